"""Calendar pages: week list, month grids, one page per activity, filters."""

from __future__ import annotations


def write_all(generator, writer):
    """Write every calendar page from the one expansion in the context."""
    context = generator.context
    today = generator.settings["TODAY"]
    for event in context["events"] + context["event_translations"] + context["draft_events"]:
        coming = [occ for occ in context["occurrences"] if occ.event is event and occ.last_day >= today]
        writer.write_file(
            event.save_as,
            generator.get_template(event.template),
            context,
            event=event,
            coming=coming[:20],
            url=event.url,
            relative_urls=False,
        )
    writer.write_file(
        "kalender/index.html",
        generator.get_template("calendar"),
        context,
        coming=[occ for occ in context["occurrences"] if occ.last_day >= today][:200],
        url="kalender/",
        relative_urls=False,
    )
