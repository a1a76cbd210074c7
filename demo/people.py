"""The demo council's sign-in accounts, as printed when the demo server starts.

Every demo account shares one password. The demo is for trying the product out: never load it
into a database that holds real data.
"""

DEMO_PASSWORD = "golden-thread-demo"

# One account per role, in the order a visitor would want to try them.
DEMO_LOGINS: list[tuple[str, str]] = [
    ("performance", "Performance team — configures the framework, chases returns"),
    ("dataowner", "Data owner — Waste and Recycling service"),
    ("approver", "Approver — Head of Environmental Services"),
    ("director", "Director of Place"),
    ("councillor", "Councillor — cabinet member"),
    ("admin", "Administrator — superuser"),
    ("auditor", "Internal auditor — reads the audit log, changes nothing"),
    ("finance", "Finance business partner — budgets and forecasts for every directorate"),
    ("riskowner", "Data owner and risk owner — Head of Regulatory Services and Resilience"),
]
