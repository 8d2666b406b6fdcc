"""``piiscan types``: the entity types piiscan knows (built-in, registered, from plugins)."""
from __future__ import annotations

import json

import click

from ..entities import registry


@click.command("types")
@click.option("--format", "-f", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
def types(fmt: str) -> None:
    """List the entity types: name, Chinese label, category and what counts.

    \b
    Categories: sensitive (PIPL art. 28 / GB/T 35273), personal,
    report-only (produced by the audit and the profiles, not by a detector).
    """
    specs = registry.specs()
    if fmt == "json":
        click.echo(json.dumps([{"type": s.name, "label": s.label, "category": s.category,
                                "description": s.description, "details": s.details or s.description,
                                "column_headers": list(s.column_headers)} for s in specs],
                              ensure_ascii=False, indent=2))
        return
    width = max(len(s.name) for s in specs)
    for s in specs:
        click.echo(f"{s.name:<{width}}  {s.label}\t{s.category:<11}  {s.description}")
