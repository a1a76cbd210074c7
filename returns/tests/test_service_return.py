"""An officer's quarterly return: find it, fill it in, save a draft, submit it."""

from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from indicators import entries
from indicators.models import Value, ValueRevision, ValueState
from returns import validation
from returns.collection import EVIDENCE_WITHOUT_FIGURE, EntryInput, ReturnConflict, save_return
from returns.forms import CHOOSE_AGAIN, NUMBER_PROBLEM
from returns.models import Evidence
from returns.views import ALREADY_SAVED, NOTHING_TO_SUBMIT

pytestmark = pytest.mark.django_db


def return_url(cycle, service):
    return reverse("returns:service", args=[cycle.pk, service.code])


def entry(indicator, **fields):
    """POST data for one indicator's part of the return."""
    data = {"data_quality": "final", "lock_version": ""}
    data.update(fields)
    return {f"{indicator.code}-{name}": value for name, value in data.items()}


def test_my_returns_lists_the_services_due_from_the_officer(
    client, today, cycle, officer, recycling, missed_bins, parks
):
    client.force_login(officer)

    page = client.get(reverse("returns:mine")).content.decode()

    assert "Waste and Recycling" in page
    assert "2 indicators" in page
    assert "Not started" in page
    assert "Parks" not in page  # not in the officer's scope
    assert return_url(cycle, recycling.owner) in page


def test_councillors_have_no_returns(client, today, councillor):
    client.force_login(councillor)

    assert client.get(reverse("returns:mine")).status_code == 403


def test_the_return_shows_last_period_target_and_status(client, today, cycle, officer, recycling):
    client.force_login(officer)

    page = client.get(return_url(cycle, recycling.owner)).content.decode()

    assert "Household waste recycled" in page
    assert "Q1 2026/27: 46.0%" in page
    assert "50.0%" in page  # the target
    assert "Tonnes recycled" in page


def test_the_status_a_typed_figure_would_get_is_judged_without_saving(
    client, today, cycle, officer, recycling
):
    client.force_login(officer)
    url = reverse("returns:return_statuses", args=[cycle.pk, recycling.owner.code])

    green = client.get(url, {"WST-01-figure": "52"}).json()
    red = client.get(url, {"WST-01-figure": "38"}).json()
    unreadable = client.get(url, {"WST-01-figure": "lots"}).json()

    assert green["WST-01"] == {"label": "Green", "classes": "govuk-tag--green", "figure": "52.0%"}
    assert red["WST-01"]["label"] == "Red"
    assert unreadable["WST-01"]["label"] == "Not a number yet"
    assert not Value.objects.filter(indicator=recycling, period=cycle.period).exists()
    page = client.get(return_url(cycle, recycling.owner)).content.decode()
    assert f'data-status-url="{url}"' in page
    assert 'data-status-for="WST-01"' in page


def test_saving_a_draft_keeps_figures_and_history(
    client, today, cycle, officer, recycling, missed_bins
):
    client.force_login(officer)
    data = {
        "save": "1",
        **entry(recycling, figure="47.5", commentary="Garden waste up"),
        **entry(missed_bins, figure=""),
    }

    response = client.post(return_url(cycle, recycling.owner), data)

    assert response.status_code == 302
    value = Value.objects.get(indicator=recycling, period=cycle.period)
    assert value.state == ValueState.DRAFT
    assert str(value.figure.normalize()) == "47.5"
    assert value.entered_by == officer
    assert not Value.objects.filter(indicator=missed_bins).exists()
    page = client.get(return_url(cycle, recycling.owner)).content.decode()
    assert "Your draft was saved" in page
    assert 'value="47.5"' in page


def test_a_draft_can_be_saved_without_commentary_but_not_submitted(
    client, today, cycle, officer, recycling
):
    client.force_login(officer)
    red = entry(recycling, figure="45")  # 45% against 50% (5% tolerance) is Red

    assert client.post(return_url(cycle, recycling.owner), {"save": "1", **red}).status_code == 302
    response = client.post(
        return_url(cycle, recycling.owner),
        {"submit": "1", **red, f"{recycling.code}-lock_version": "1"},
    )

    assert response.status_code == 400
    page = response.content.decode()
    assert "There is a problem" in page
    message = validation.COMMENTARY_REQUIRED.format(title="Household waste recycled", status="Red")
    assert message in page
    assert f'href="#id_{recycling.code}-commentary"' in page
    assert Value.objects.get(indicator=recycling, period=cycle.period).state == ValueState.DRAFT


def test_submitting_a_red_figure_with_commentary(
    client, today, cycle, officer, recycling, missed_bins
):
    client.force_login(officer)
    data = {
        "submit": "1",
        **entry(
            recycling,
            figure="45",
            numerator="450",
            denominator="1000",
            commentary="Dry recycling fell after the contract change",
            actions="Door-knocking in the worst rounds",
        ),
        **entry(missed_bins, figure="35", commentary="Steady"),
    }

    response = client.post(return_url(cycle, recycling.owner), data)

    assert response.status_code == 302, response.content.decode()
    states = set(Value.objects.filter(period=cycle.period).values_list("state", flat=True))
    assert states == {ValueState.SUBMITTED}
    value = Value.objects.get(indicator=recycling, period=cycle.period)
    actions = list(value.revisions.order_by("number").values_list("action", flat=True))
    assert actions == ["recorded", "submitted"]


def test_a_return_with_nothing_left_to_change_offers_no_submit_nor_save(
    client, today, cycle, officer, recycling, missed_bins
):
    client.force_login(officer)
    url = return_url(cycle, recycling.owner)
    page = client.get(url).content.decode()
    assert "Submit return for sign-off" in page
    assert "Save draft" in page
    data = {
        "submit": "1",
        **entry(
            recycling,
            figure="45",
            numerator="450",
            denominator="1000",
            commentary="Dry recycling fell after the contract change",
            actions="Door-knocking in the worst rounds",
        ),
        **entry(missed_bins, figure="35", commentary="Steady"),
    }
    assert client.post(url, data).status_code == 302

    page = client.get(url).content.decode()

    assert "Submit return for sign-off" not in page
    assert "Save draft" not in page
    assert NOTHING_TO_SUBMIT in page


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        (
            {"figure": "12,5a"},
            "figure",
            NUMBER_PROBLEM.format(
                title="Household waste recycled",
                what="figure",
                problem=entries.NOT_A_NUMBER.format(text="12,5a", example="92.5"),
            ),
        ),
        *(
            (
                {"figure": text},
                "figure",
                NUMBER_PROBLEM.format(
                    title="Household waste recycled",
                    what="figure",
                    problem=entries.NOT_A_NUMBER.format(text=text, example="92.5"),
                ),
            )
            for text in ("1_000", "٤٥", "1e-400", "NaN")
        ),
        (
            {"figure": "45", "numerator": "450.1234567", "denominator": "1000"},
            "numerator",
            NUMBER_PROBLEM.format(
                title="Household waste recycled",
                what="numerator",
                problem=entries.TOO_MANY_PLACES.format(text="450.1234567"),
            ),
        ),
        (
            {"figure": "104"},
            "figure",
            validation.PERCENT_RANGE.format(title="Household waste recycled"),
        ),
        (
            {"figure": "45", "numerator": "1200", "denominator": "1000"},
            "numerator",
            validation.NUMERATOR_OVER_DENOMINATOR.format(
                title="Household waste recycled", numerator="1200", denominator="1000"
            ),
        ),
        (
            {"figure": "45", "numerator": "400", "denominator": "1000"},
            "figure",
            validation.FIGURE_MISMATCH.format(
                title="Household waste recycled", figure="45.0%", expected="40.0%"
            ),
        ),
        (
            {"figure": "45", "numerator": "400"},
            "denominator",
            validation.BOTH_OR_NEITHER.format(title="Household waste recycled"),
        ),
        (
            {"figure": ""},
            "figure",
            validation.FIGURE_OR_REASON.format(title="Household waste recycled"),
        ),
    ],
)
def test_mistakes_are_caught_and_nothing_is_saved(
    client, today, cycle, officer, recycling, fields, field, message
):
    client.force_login(officer)
    data = {"submit": "1", **entry(recycling, commentary="Checked", **fields)}

    response = client.post(return_url(cycle, recycling.owner), data)

    page = response.content.decode()
    assert response.status_code == 400
    assert message in page
    assert f'href="#id_{recycling.code}-{field}"' in page
    assert not Value.objects.filter(period=cycle.period).exists()


def test_commentary_over_the_length_limit_is_refused_and_nothing_is_saved(
    client, today, cycle, officer, recycling
):
    client.force_login(officer)
    data = {"save": "1", **entry(recycling, figure="45", commentary="x" * 10_001)}

    response = client.post(return_url(cycle, recycling.owner), data)

    page = response.content.decode()
    assert response.status_code == 400
    assert (
        "Household waste recycled: the commentary is 10,001 characters long; the limit is "
        "10,000. Shorten it"
    ) in page
    assert f'href="#id_{recycling.code}-commentary"' in page
    assert 'maxlength="10000"' in page
    assert not Value.objects.filter(period=cycle.period).exists()


def test_no_figure_needs_a_reason_and_commentary(client, today, cycle, officer, recycling):
    client.force_login(officer)
    data = {
        "submit": "1",
        **entry(
            recycling,
            figure="",
            not_available_reason="Contractor data delayed",
            commentary="Figure follows next quarter",
        ),
    }

    response = client.post(return_url(cycle, recycling.owner), data)

    assert response.status_code == 302
    value = Value.objects.get(indicator=recycling, period=cycle.period)
    assert value.figure is None and value.state == ValueState.SUBMITTED


def test_an_unusual_figure_must_be_confirmed_with_a_reason(
    client, today, cycle, officer, recycling
):
    client.force_login(officer)
    url = return_url(cycle, recycling.owner)
    unusual = entry(recycling, figure="90", commentary="Big jump")

    first = client.post(url, {"submit": "1", **unusual})
    confirmed_no_reason = client.post(
        url, {"submit": "1", **unusual, f"{recycling.code}-confirm_unusual": "on"}
    )
    confirmed = client.post(
        url,
        {
            "submit": "1",
            **unusual,
            f"{recycling.code}-confirm_unusual": "on",
            f"{recycling.code}-unusual_reason": "New food waste round",
        },
    )

    assert first.status_code == 400
    assert "far outside this indicator&#x27;s usual range" in first.content.decode()
    assert confirmed_no_reason.status_code == 400
    assert validation.UNUSUAL_REASON_REQUIRED.format(title="Household waste recycled") in (
        confirmed_no_reason.content.decode()
    )
    assert confirmed.status_code == 302
    value = Value.objects.get(indicator=recycling, period=cycle.period)
    assert value.revisions.get(action="recorded").reason == "New food waste round"


def test_a_draft_with_an_unusual_figure_is_saved_with_a_warning(
    client, today, cycle, officer, recycling
):
    client.force_login(officer)

    response = client.post(
        return_url(cycle, recycling.owner),
        {"save": "1", **entry(recycling, figure="90")},
        follow=True,
    )

    assert "far outside this indicator&#x27;s usual range" in response.content.decode()
    assert Value.objects.filter(indicator=recycling, period=cycle.period).exists()


def test_two_officers_never_silently_overwrite_each_other(
    client, today, cycle, officer, second_officer, recycling
):
    url = return_url(cycle, recycling.owner)
    client.force_login(officer)
    client.post(url, {"save": "1", **entry(recycling, figure="45")})
    # Both open the return now, at lock version 1.
    client.force_login(second_officer)
    client.post(url, {"save": "1", **entry(recycling, figure="46", lock_version="1")})
    client.force_login(officer)

    response = client.post(
        url, {"save": "1", **entry(recycling, figure="47", lock_version="1")}, follow=True
    )

    page = response.content.decode()
    assert "Cath Brown changed “Household waste recycled”" in page
    assert "None of your changes were saved" in page
    value = Value.objects.get(indicator=recycling, period=cycle.period)
    assert str(value.figure.normalize()) == "46"
    assert ValueRevision.objects.filter(value=value).count() == 2


def test_an_officer_cannot_open_another_services_return(client, today, cycle, officer, parks):
    from indicators.tests.factories import IndicatorFactory

    IndicatorFactory(owner=parks)
    client.force_login(officer)

    assert client.get(return_url(cycle, parks)).status_code == 404


def test_a_closed_cycle_takes_no_figures(client, today, cycle, officer, recycling):
    cycle.state = "closed"
    cycle.save()
    client.force_login(officer)

    response = client.post(
        return_url(cycle, recycling.owner), {"save": "1", **entry(recycling, figure="45")}
    )

    assert response.status_code == 400
    assert "reporting cycle is closed" in response.content.decode()
    assert not Value.objects.filter(period=cycle.period).exists()


def test_a_second_click_on_save_says_the_first_one_saved(client, today, cycle, officer, recycling):
    url = return_url(cycle, recycling.owner)
    client.force_login(officer)
    # Both posts come from the page as it was opened: no figure yet (lock version empty).
    typed = {"save": "1", **entry(recycling, figure="47.5", commentary="Garden waste up")}
    client.post(url, typed)

    response = client.post(url, typed, follow=True)

    page = response.content.decode()
    assert "None of your changes were saved" not in page
    assert ALREADY_SAVED in page
    value = Value.objects.get(indicator=recycling, period=cycle.period)
    assert (str(value.figure.normalize()), value.state) == ("47.5", ValueState.DRAFT)
    assert ValueRevision.objects.filter(value=value).count() == 1


def test_a_second_submit_of_the_same_return_keeps_the_first_and_says_so(cycle, officer, recycling):
    """Two clicks on "Submit" reach the server together: both were made from the page before
    either saved, so the second carries the old lock version but the same figures."""
    typed = EntryInput(
        indicator=recycling,
        entries={"figure": Decimal("47.5"), "commentary": "Garden waste up"},
        expected_version=None,
    )
    first = save_return(
        cycle=cycle, service=recycling.owner, inputs=[typed], by=officer, submit=True
    )

    second = save_return(
        cycle=cycle, service=recycling.owner, inputs=[typed], by=officer, submit=True
    )

    assert (first.already_saved, second.already_saved) == ([], [recycling])
    value = Value.objects.get(indicator=recycling, period=cycle.period)
    assert value.state == ValueState.SUBMITTED
    assert list(value.revisions.values_list("action", flat=True)) == ["recorded", "submitted"]


def test_a_second_save_with_different_figures_is_still_a_conflict(cycle, officer, recycling):
    typed = EntryInput(
        indicator=recycling, entries={"figure": Decimal("47.5")}, expected_version=None
    )
    save_return(cycle=cycle, service=recycling.owner, inputs=[typed], by=officer, submit=False)

    with pytest.raises(ReturnConflict):
        save_return(
            cycle=cycle,
            service=recycling.owner,
            inputs=[EntryInput(recycling, {"figure": Decimal("48")}, expected_version=None)],
            by=officer,
            submit=False,
        )

    assert Value.objects.get(indicator=recycling, period=cycle.period).figure == Decimal("47.5")


# --- Evidence on the return form ------------------------------------------------------------

PDF = b"%PDF-1.7\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"


def evidence(indicator, name="tonnage.pdf", content=PDF, description="Contractor's report"):
    return {
        f"{indicator.code}-evidence": SimpleUploadedFile(name, content),
        f"{indicator.code}-evidence_description": description,
    }


def test_evidence_chosen_on_the_return_is_kept_with_the_figure(
    client, today, cycle, officer, recycling, missed_bins
):
    client.force_login(officer)
    data = {
        "save": "1",
        **entry(recycling, figure="47.5", commentary="Garden waste up"),
        **evidence(recycling),
        **entry(missed_bins, figure=""),
    }

    response = client.post(return_url(cycle, recycling.owner), data)

    assert response.status_code == 302
    value = Value.objects.get(indicator=recycling, period=cycle.period)
    kept = Evidence.objects.get()
    assert (kept.value, kept.original_name, kept.description) == (
        value,
        "tonnage.pdf",
        "Contractor's report",
    )
    assert kept.uploaded_by == officer
    assert kept.file.read() == PDF
    page = client.get(reverse("returns:value", args=[value.pk])).content.decode()
    assert "tonnage.pdf" in page


def test_evidence_goes_with_a_submitted_figure(client, today, cycle, officer, recycling):
    client.force_login(officer)
    data = {
        "submit": "1",
        **entry(recycling, figure="47.5", commentary="Garden waste up"),
        **evidence(recycling),
    }

    response = client.post(return_url(cycle, recycling.owner), data)

    assert response.status_code == 302
    value = Value.objects.get(indicator=recycling, period=cycle.period)
    assert value.state == ValueState.SUBMITTED
    assert list(value.evidence.values_list("original_name", flat=True)) == ["tonnage.pdf"]


def test_a_file_that_is_not_what_it_says_is_named_and_nothing_is_saved(
    client, today, cycle, officer, recycling
):
    client.force_login(officer)
    data = {
        "save": "1",
        **entry(recycling, figure="47.5"),
        **evidence(recycling, name="tonnage.pdf", content=b"MZ\x90\x00 not a pdf"),
    }

    response = client.post(return_url(cycle, recycling.owner), data)

    page = response.content.decode()
    assert response.status_code == 400
    assert f"{recycling.title}: " in page and "tonnage.pdf" in page
    assert f'href="#id_{recycling.code}-evidence"' in page
    assert not Value.objects.filter(period=cycle.period).exists()
    assert not Evidence.objects.exists()


def test_evidence_needs_a_figure_to_go_with(client, today, cycle, officer, recycling):
    client.force_login(officer)
    data = {"save": "1", **entry(recycling, figure=""), **evidence(recycling)}

    response = client.post(return_url(cycle, recycling.owner), data)

    assert response.status_code == 400
    assert EVIDENCE_WITHOUT_FIGURE.format(title=recycling.title) in response.content.decode()
    assert not Evidence.objects.exists()


def test_a_mistake_elsewhere_saves_no_file_and_asks_for_it_again(
    client, today, cycle, officer, recycling, missed_bins
):
    client.force_login(officer)
    data = {
        "save": "1",
        **entry(recycling, figure="47.5"),
        **evidence(recycling),
        **entry(missed_bins, figure="lots"),
    }

    response = client.post(return_url(cycle, recycling.owner), data)

    page = response.content.decode()
    assert response.status_code == 400
    assert CHOOSE_AGAIN.format(title=recycling.title) in page
    assert not Value.objects.filter(period=cycle.period).exists()
    assert not Evidence.objects.exists()
