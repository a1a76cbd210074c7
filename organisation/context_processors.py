from organisation.queries import current_council


def council(request):
    """The council's name for every page header."""
    return {"council": current_council(request)}
