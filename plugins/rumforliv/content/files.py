"""Which files in content/ and newsletter/ the build reads, and which it would pass over.

Pelican quietly skips a file it has no reader for ("nyhed.md.txt", a Word
document) and copies only the pictures in STATIC_PATHS: for an editor such a
file is lost news. Here every file is sorted into read, picture or unread, so
`tjek` can name the unread ones and the pictures no text shows.
"""

from __future__ import annotations

import re
from pathlib import Path

from rumforliv.content.schema import Problem

PICTURES = {".jpg", ".jpeg", ".png", ".gif", ".webp", ".svg"}
WORD_FILES = {".doc", ".docx", ".odt", ".rtf", ".pages", ".pdf"}
WRITTEN_BY_BUILD = {"revisioner.json"}  # content/kalender/revisioner.json: the feeds' SEQUENCE counts

# ![description](billeder/x.jpg "title"): a picture inside the text.
MARKDOWN_IMAGE = re.compile(r"!\[([^\]]*)\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)")


def visible(path: Path, root: Path) -> bool:
    """Hidden files and folders (.git, .DS_Store, editor backups ~) are nobody's content."""
    return not any(part.startswith(".") or part.endswith("~") for part in path.relative_to(root).parts)


def unread_files(settings: dict) -> list[Problem]:
    """Every file in content/ and newsletter/ that the build will not read, with what to do."""
    content = Path(settings["PATH"])
    read_folders = [content / f for f in settings["ARTICLE_PATHS"] + settings["PAGE_PATHS"] + settings["EVENT_PATHS"]]
    picture_folders = [content / f for f in settings.get("STATIC_PATHS", [])]
    problems = []
    for path in sorted(p for p in content.rglob("*") if p.is_file() and visible(p, content)):
        shown = f"{content.name}/{path.relative_to(content).as_posix()}"
        in_text_folder = any(path.is_relative_to(folder) for folder in read_folders)
        in_picture_folder = any(path.is_relative_to(folder) for folder in picture_folders)
        if path.suffix.lower() in PICTURES and in_picture_folder:
            continue
        if path.suffix == ".md" and in_text_folder or path.name in WRITTEN_BY_BUILD:
            continue
        problems.append(Problem(shown, 1, "", unread_message(path, in_text_folder, settings)))
    newsletters = Path(settings.get("NEWSLETTER_PATH", "newsletter"))
    if newsletters.is_dir():
        for path in sorted(p for p in newsletters.rglob("*") if p.is_file() and visible(p, newsletters)):
            relative = path.relative_to(newsletters)
            if path.suffix == ".md" and len(relative.parts) == 2:
                continue
            shown = f"{newsletters.name}/{relative.as_posix()}"
            problems.append(Problem(shown, 1, "", unread_message(path, len(relative.parts) == 2, settings)))
    return problems


def unread_message(path: Path, in_text_folder: bool, settings: dict) -> str:
    """Why the build passes over `path`, and the fix."""
    suffix = path.suffix.lower()
    pictures = settings.get("STATIC_PATHS", ["billeder"])[0]
    if suffix in PICTURES:
        return f"Billedet bliver ikke brugt her. Læg billeder i content/{pictures}/."
    if suffix in WORD_FILES:
        return (
            "Filen bliver ikke læst: kun tekstfiler, der ender på .md, kommer med. "
            "Kopiér teksten ind i en .md-fil (fx med invoke ny-nyhed), og slet denne fil."
        )
    stem = path.name.split(".")[0]
    if in_text_folder:
        return f'Filen bliver ikke læst: kun filer, der ender på .md, kommer med. Omdøb den til "{stem}.md".'
    folders = ", ".join(
        f"content/{f}/" for f in settings["ARTICLE_PATHS"] + settings["EVENT_PATHS"] + settings["PAGE_PATHS"]
    )
    return f"Filen bliver ikke læst, fordi den ligger i en mappe, som ikke bruges. Flyt den til {folders}."


def picture_path(src: str) -> str | None:
    """A picture's path inside content/ as the text names it, or None for one on another site."""
    if "://" in src or src.startswith(("data:", "mailto:")):
        return None
    return src.replace("{static}", "").replace("{filename}", "").lstrip("/")


def pictures_in(body: str) -> list[tuple[int, str, str]]:
    """(line within the body, description, path) of each picture inside the Markdown text."""
    found = []
    for number, line in enumerate(body.split("\n")):
        for match in MARKDOWN_IMAGE.finditer(line):
            found.append((number, match.group(1).strip(), match.group(2)))
    return found


def pictures(settings: dict) -> list[Path]:
    content = Path(settings["PATH"])
    return sorted(
        p
        for folder in settings.get("STATIC_PATHS", [])
        for p in (content / folder).rglob("*")
        if p.is_file() and p.suffix.lower() in PICTURES and visible(p, content)
    )
