"""The market interchange file (`shared/formats/market-json.md`): streaming import and export."""

FORMAT = "ai-scenario-market/1"
# Sections in dependency order: a record refers only to sections before it.
SECTIONS = (
    "organizations",
    "release_events",
    "products",
    "scenarios",
    "proposals",
    "agreements",
    "progress_reports",
    "benchmark_cases",
)
