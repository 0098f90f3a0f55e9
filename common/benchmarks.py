"""What the benchmark commands share."""

from __future__ import annotations


def refuse_unless_benchmark_database(*, force: bool, prefix: str = "bench-") -> None:
    """The benchmarks write into and delete from the configured database: refuse one that holds anything but
    benchmark records (a real market), unless told `--force`."""
    from django.apps import apps
    from django.core.management.base import CommandError

    if force:
        return
    found = []
    for label in ("scenarios.Scenario", "marketplace.Organization", "marketplace.Product"):
        model = apps.get_model(label)
        if model._default_manager.exclude(key__startswith=prefix).exists():
            found.append(model._meta.verbose_name)
    if found:
        raise CommandError(
            f"this database holds records that are not benchmark data ({', '.join(map(str, found))}); "
            "run the benchmark on a database of its own, or pass --force"
        )


def percentile(values: list[float], p: float) -> float:
    """The p-th percentile of the measured values (nearest rank)."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]
