"""The week's short texts: SMS segments counted as the network does, and the texts a build writes."""

from __future__ import annotations

import pytest

from rumforliv.sms.segments import count

from conftest import HOMEWORK


@pytest.mark.parametrize(
    ("text", "encoding", "units", "segments"),
    [
        ("a" * 160, "GSM-7", 160, 1),
        ("a" * 161, "GSM-7", 161, 2),
        ("a" * 306, "GSM-7", 306, 2),  # 2 x 153
        ("a" * 307, "GSM-7", 307, 3),
        ("Æbleskiver på Lukretiavej, ø og å: é", "GSM-7", 36, 1),  # Danish letters are in the GSM alphabet
        ("€" * 80, "GSM-7", 160, 1),  # extension table: escape + character
        ("€" * 81, "GSM-7", 162, 2),
        ("a" * 152 + "€" + "a" * 10, "GSM-7", 164, 2),  # the € is not split: 152 | 2 + 10
        ("a" * 152 + "€" * 77, "GSM-7", 306, 3),  # 152 | 152 | 2: the pairs do not fit 153 exactly
        ("ş" * 70, "UCS-2", 70, 1),  # Turkish: not GSM
        ("ş" * 71, "UCS-2", 71, 2),
        ("ş" * 134, "UCS-2", 134, 2),  # 2 x 67
        ("ş" * 135, "UCS-2", 135, 3),
        ("kl. 15–17", "UCS-2", 9, 1),  # one en dash makes the whole text UCS-2
        ("😀" * 35, "UCS-2", 70, 1),  # outside the BMP: two units
        ("😀" * 36, "UCS-2", 72, 2),
    ],
)
def test_segments_of_known_texts(text, encoding, units, segments):
    found = count(text)
    assert (found.encoding, found.units, found.segments) == (encoding, units, segments)


YOUTH_CLUB = """
    Title: Ungdomsklub
    Start: 2013-03-05 18:00
    End: 2013-03-05 21:00
    Repeat: FREQ=WEEKLY;BYDAY=TU,FR
    Location: Beboerhuset, Carl Th. Dreyersvej 248, 2500 Valby
    Estate: Lukretiavej
    Category: Børn, unge og familier
    Audience: unge
    Slug: ungdomsklub

    Bordtennis og lektier.
"""


def many_activities(n: int) -> dict[str, str]:
    return {
        f"content/kalender/aktivitet-{i}.md": YOUTH_CLUB.replace("Ungdomsklub", f"Aktivitet nummer {i}").replace(
            "ungdomsklub", f"aktivitet-{i}"
        )
        for i in range(n)
    }


def test_a_text_per_week_and_audience_with_links_to_built_pages(site):
    site.write({"content/kalender/lektiecafe.md": HOMEWORK, "content/kalender/ungdomsklub.md": YOUTH_CLUB})
    output = site.build(SMS_WEEKS=2)
    text = (output / "sms" / "2013-uge-10-unge.txt").read_text(encoding="utf-8")
    assert text.splitlines() == [
        "Rum for Liv, unge, uge 10:",
        "Lektiecafé for børn og unge: man. 4/3 AFLYST, ons. 6/3, tors. 7/3 15-17 rumforliv.dk/kalender/lektiecafe/",
        "Ungdomsklub: tirs. 5/3, fre. 8/3 18-21 rumforliv.dk/kalender/ungdomsklub/",
    ]
    assert (count(text).encoding, count(text).segments) == ("GSM-7", 2)  # 207 characters
    for link in ("kalender/lektiecafe/", "kalender/ungdomsklub/"):
        assert (output / link / "index.html").is_file()
    assert "Ungdomsklub" not in (output / "sms" / "2013-uge-10-boern.txt").read_text(encoding="utf-8")
    assert (output / "sms" / "2013-uge-11-unge.txt").is_file()


def test_a_full_week_stays_within_three_segments_and_points_to_the_calendar(site):
    site.write(many_activities(12))
    output = site.build(SMS_WEEKS=1)
    text = (output / "sms" / "2013-uge-10-unge.txt").read_text(encoding="utf-8")
    assert count(text).segments == 3
    assert text.rstrip().endswith("Mere: rumforliv.dk/kalender/")
    listed = [line for line in text.splitlines() if line.startswith("Aktivitet nummer")]
    assert 4 <= len(listed) < 12  # as many as fit, the rest on the website


def test_the_staff_page_shows_each_text_its_segments_and_a_copy_button(site):
    site.write({"content/kalender/ungdomsklub.md": YOUTH_CLUB})
    page = site.build(SMS_WEEKS=1) / "sms" / "index.html"
    html = page.read_text(encoding="utf-8")
    assert "Ungdomsklub: tirs. 5/3, fre. 8/3 18-21" in html
    assert 'data-copy="sms-text-' in html and "navigator.clipboard.writeText" in html
    assert "1 SMS (" in html and 'href="/sms/2013-uge-10-unge.txt"' in html
