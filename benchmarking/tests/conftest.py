import pytest
from django.conf import settings

from benchmarking.areas import load_areas

DATA = settings.SHARED_DATA_DIR  # ../shared/data beside the project
WASTE = DATA / "oflog-waste" / "oflog_waste_metrics_2015_2023.csv"
ASC = DATA / "oflog-asc" / "oflog_asc_metrics.csv"
FLYTIPPING = DATA / "defra-flytipping" / "flytipping_incidents_by_la_2012_2022.csv"
LGBF = DATA / "lgbf-scotland" / "lgbf_key_indicators_2010_2021.csv"
NEAREST_NEIGHBOURS = DATA / "oflog-asc" / "oflog_nearest_neighbours_long.csv"
FAMILY_GROUPS = DATA / "lgbf-scotland" / "lgbf_family_groups.csv"


@pytest.fixture
def areas(db):
    """mySociety's 470 areas, from the copy shipped with the app."""
    load_areas()
