"""Every kind of mistake a volunteer makes in a content file, and the exact line they see.

The checker is called directly (no build), so the many cases stay fast; a few
builds at the end prove that what the checker accepts really builds, and that
a broken tree stops the build listing every problem.
"""

from __future__ import annotations

import datetime as dt
import textwrap

import pytest

from rumforliv.build.run import BuildFailed, load_settings
from rumforliv.content import schema

from conftest import ROOT

NEWS = """\
Title: Fastelavn i Akacieparken
Date: 2013-02-11 10:00
Category: Beboernetværk, inddragelse og demokrati
Estate: Akacieparken

120 børn slog katten af tønden.
"""

# Starts on Monday 7 January 2013; lines: 1 Title, 2 Start, 3 End, 4 Repeat, 5 Location, 6 Estate, 7 Category.
EVENT = """\
Title: Lektiecafé
Start: 2013-01-07 15:00
End: 2013-01-07 17:00
Repeat: FREQ=WEEKLY;BYDAY=MO,WE,TH;UNTIL=20161231
Location: Beboerhuset
Estate: Akacieparken
Category: Uddannelse, beskæftigelse og erhverv

Hjælp til lektierne.
"""

ISSUE = """\
Title: Nyhedsbrev · Forår 2013
Date: 2013-03-01
Covers: 2013-03-01 .. 2013-05-31

Kære beboere.
"""

PAGE = """\
Title: Om helhedsplanen
Order: 1

Rum for Liv er en boligsocial helhedsplan.
"""

N = "content/nyheder/x.md"
E = "content/kalender/x.md"
P = "content/sider/x.md"
I = "newsletter/2013-1/index.md"  # noqa: E741  (the table below reads best with one letter per kind)
S = "newsletter/2013-1/20-afsnit.md"


def news(old: str, new: str) -> str:
    assert old in NEWS
    return NEWS.replace(old, new, 1)


def event(old: str, new: str) -> str:
    assert old in EVENT
    return EVENT.replace(old, new, 1)


def add_to_event(line: str) -> str:
    """A field as line 5, just before Location."""
    return event("Location:", f"{line}\nLocation:")


@pytest.fixture(scope="module")
def tree(tmp_path_factory):
    root = tmp_path_factory.mktemp("site")
    for folder in ("content/nyheder", "content/kalender", "content/sider", "content/billeder", "newsletter/2013-1"):
        (root / folder).mkdir(parents=True)
    (root / "content/billeder/fastelavn.jpg").write_bytes(b"\xff\xd8\xff")
    settings = load_settings(
        ROOT / "pelicanconf.py", PATH=str(root / "content"), NEWSLETTER_PATH=str(root / "newsletter")
    )
    return root, settings


def check(tree, relative: str, text: str | bytes) -> list[str]:
    """Write one file, check it as `invoke tjek` does, return the printed lines."""
    root, settings = tree
    path = root / relative
    if isinstance(text, str):
        path.write_text(text, encoding="utf-8")
    else:
        path.write_bytes(text)
    try:
        found = [
            problem
            for file, base, kind in schema.content_files(settings)
            if file == path
            for problem in schema.check_file(file, settings, base, kind)[1]
        ]
    finally:
        path.unlink()
    return [str(problem) for problem in found]


CASES = [
    # --- dates and times written the Danish way
    pytest.param(
        N,
        news("Date: 2013-02-11 10:00", "Date: 5. marts 2013"),
        [f'{N}:2: Date: Skriv datoen som år-måned-dag: "2013-03-05".'],
        id="danish-month-name",
    ),
    pytest.param(
        N,
        news("Date: 2013-02-11 10:00", "Date: 5. marts 2013 kl. 15"),
        [f'{N}:2: Date: Skriv datoen som år-måned-dag og tiden med kolon: "2013-03-05 15:00".'],
        id="danish-month-name-and-kl",
    ),
    pytest.param(
        N,
        news("Date: 2013-02-11 10:00", "Date: 11-02-2013"),
        [f'{N}:2: Date: Skriv datoen som år-måned-dag: "2013-02-11".'],
        id="day-month-year",
    ),
    pytest.param(
        E,
        event("Start: 2013-01-07 15:00", "Start: 2013-01-07 Kl. 15"),
        [f'{E}:2: Start: Skriv datoen som år-måned-dag og tiden med kolon: "2013-01-07 15:00".'],
        id="kl-15",
    ),
    pytest.param(
        E,
        event("Start: 2013-01-07 15:00", "Start: 7/1/2013 15:00"),
        [f'{E}:2: Start: Skriv datoen som år-måned-dag og tiden med kolon: "2013-01-07 15:00".'],
        id="slashes",
    ),
    pytest.param(
        E,
        event("Start: 2013-01-07 15:00", "Start: 2013-01-07 15-17"),
        [
            f'{E}:2: Start: Skriv kun starttidspunktet her: "2013-01-07 15:00", og sluttidspunktet '
            f'i feltet End: "2013-01-07 17:00".'
        ],
        id="time-range-in-start",
    ),
    pytest.param(
        E,
        event("Start: 2013-01-07 15:00", "Start: 2013-01-07 25:00"),
        [f'{E}:2: Start: Klokkeslættet "25:00" findes ikke. Brug 00:00 til 23:59.'],
        id="hour-25",
    ),
    pytest.param(
        N,
        news("2013-02-11 10:00", "2013-02-30 10:00"),
        [f'{N}:2: Date: Datoen "2013-02-30 10:00" findes ikke: februar 2013 har 28 dage.'],
        id="february-30",
    ),
    pytest.param(
        N,
        news("2013-02-11 10:00", "2013-13-01"),
        [f'{N}:2: Date: Datoen "2013-13-01" findes ikke: måneden skal være 1-12. Skriv år-måned-dag, fx "2013-03-05".'],
        id="month-13",
    ),
    pytest.param(
        E,
        event("End: 2013-01-07 17:00", "End: 2013-01-07 13:00"),
        [f"{E}:3: End: Aktiviteten slutter (2013-01-07 13:00) før den begynder (2013-01-07 15:00)."],
        id="end-before-start",
    ),
    pytest.param(
        E,
        event("End: 2013-01-07 17:00", "End: 2013-01-08"),
        [f"{E}:3: End: Start og End skal begge have klokkeslæt, eller begge være uden (heldagsaktivitet)."],
        id="end-without-time",
    ),
    # --- lists and vocabularies
    pytest.param(
        N,
        news("Estate: Akacieparken", "Estate: Akacieparken,"),
        [f'{N}:4: Estate: Der er et komma for meget i "Akacieparken,". Skriv fx "Akacieparken".'],
        id="trailing-comma",
    ),
    pytest.param(
        N,
        news("Estate: Akacieparken", "Tags: fest,,børn\nEstate: Akacieparken"),
        [f'{N}:4: Tags: Der er et komma for meget i "fest,,børn". Skriv fx "fest, børn".'],
        id="double-comma",
    ),
    pytest.param(
        N,
        news("Estate: Akacieparken", "Estate: Akaciparken"),
        [
            f'{N}:4: Estate: "Akaciparken" er ikke en afdeling. Brug en af: "Akacieparken", '
            f'"Lukretiavej". Mente du "Akacieparken"?'
        ],
        id="estate-misspelt",
    ),
    pytest.param(
        N,
        news("Estate: Akacieparken", "Estate: akacieparken"),
        [
            f'{N}:4: Estate: "akacieparken" er ikke en afdeling. Brug en af: "Akacieparken", '
            f'"Lukretiavej". Skriv det præcis sådan: "Akacieparken".'
        ],
        id="estate-lower-case",
    ),
    pytest.param(
        N,
        news("Estate: Akacieparken", "Estate: Akacieparken og Lukretiavej"),
        [
            f'{N}:4: Estate: "Akacieparken og Lukretiavej" er ikke en afdeling. Brug en af: '
            f'"Akacieparken", "Lukretiavej". Skriv flere med komma imellem: "Akacieparken, Lukretiavej".'
        ],
        id="estates-with-og",
    ),
    pytest.param(
        N,
        news("Estate: Akacieparken", "Estate:"),
        [f"{N}:4: Estate: Feltet er tomt. Skriv en værdi eller slet linjen."],
        id="empty-value",
    ),
    pytest.param(
        N,
        news("Category: Beboernetværk, inddragelse og demokrati", "Category: Børn, unge og familie"),
        [
            f'{N}:3: Category: "Børn, unge og familie" er ikke et indsatsområde. Brug en af: '
            f'"Børn, unge og familier", "Uddannelse, beskæftigelse og erhverv", '
            f'"Beboernetværk, inddragelse og demokrati", "Image og kommunikation". '
            f'Mente du "Børn, unge og familier"?'
        ],
        id="category-near-miss",
    ),
    pytest.param(
        N,
        news("Category: Beboernetværk, inddragelse og demokrati", "Category: Sport"),
        [
            f'{N}:3: Category: "Sport" er ikke et indsatsområde. Brug en af: '
            f'"Børn, unge og familier", "Uddannelse, beskæftigelse og erhverv", '
            f'"Beboernetværk, inddragelse og demokrati", "Image og kommunikation".'
        ],
        id="category-unknown",
    ),
    pytest.param(
        E,
        add_to_event("Audience: Børn, teenagere"),
        [
            f'{E}:5: Audience: "Børn" er ikke en målgruppe. Brug en af: "børn", "unge", "familier", '
            f'"voksne", "seniorer", "alle". Skriv det præcis sådan: "børn".'
        ],
        id="audience-capital",
    ),
    pytest.param(
        N,
        news("Estate: Akacieparken", "Estate: Akacieparken\nLang: dansk"),
        [f'{N}:5: Lang: "dansk" er ikke en sprogkode. Brug en af: "da", "en", "tr", "so", "ar", "ur". Mente du "da"?'],
        id="lang-in-words",
    ),
    pytest.param(
        N,
        news("Estate: Akacieparken", "Estate: Akacieparken\nSlug: Fastelavn i år"),
        [
            f'{N}:5: Slug: "Fastelavn i år" kan ikke bruges i en adresse. Brug små bogstaver a-z, '
            f'tal og bindestreg, fx "fastelavn-i-aar".'
        ],
        id="bad-slug",
    ),
    pytest.param(
        N,
        news("Estate: Akacieparken", "Estate: Akacieparken\nPrint: maybe"),
        [f'{N}:5: Print: Skriv "yes" eller "no", ikke "maybe".'],
        id="print-maybe",
    ),
    pytest.param(
        N,
        news("Estate: Akacieparken", "Estate: Akacieparken\nStatus: udgivet"),
        [f'{N}:5: Status: "udgivet" er ikke en status her. Brug en af: "published", "draft". Mente du "published"?'],
        id="status-in-danish",
    ),
    pytest.param(
        E,
        add_to_event("Status: aflyst"),
        [
            f'{E}:5: Status: "aflyst" er ikke en status her. Brug en af: "confirmed", "cancelled", '
            f'"draft". Mente du "cancelled"?'
        ],
        id="event-status-in-danish",
    ),
    pytest.param(
        P,
        PAGE.replace("Order: 1", "Order: første"),
        [f'{P}:2: Order: Skriv et helt tal, ikke "første".'],
        id="order-not-a-number",
    ),
    # --- the header's layout and its keys
    pytest.param(
        N,
        news("Estate: Akacieparken\n\n", "Estate: Akacieparken\n"),
        [
            f'{N}:5: Linjen er ikke et felt ("Navn: værdi"). Mangler der en tom linje mellem felterne '
            f"og teksten? Sæt den ind lige over denne linje."
        ],
        id="no-blank-line",
    ),
    pytest.param(
        N,
        news("Estate: Akacieparken", "Estate: Akacieparken\nImage Alt: Børn i kostumer"),
        [
            f'{N}:5: Feltnavnet "Image Alt" må ikke have mellemrum. Skriv fx "Image-Alt:", '
            f"eller sæt en tom linje før teksten."
        ],
        id="space-in-key",
    ),
    pytest.param(
        N,
        "Fastelavn i Akacieparken\n\n120 børn slog katten af tønden.\n",
        [
            f'{N}:1: Filen skal begynde med felterne, fx "Title: Overskrift". Skriv dem øverst, '
            f"så en tom linje, så teksten.",
            f'{N}:1: Title: Feltet mangler. Tilføj en linje "Title: ..." øverst i filen.',
            f'{N}:1: Date: Feltet mangler. Tilføj en linje "Date: ..." øverst i filen.',
            f'{N}:1: Category: Feltet mangler. Tilføj en linje "Category: ..." øverst i filen.',
        ],
        id="no-header",
    ),
    pytest.param(
        N,
        news("Estate: Akacieparken", "Estate: Akacieparken\nEstate: Lukretiavej"),
        [f"{N}:5: Estate: Feltet står to gange (også i linje 4). Slet den ene."],
        id="duplicate-key",
    ),
    pytest.param(
        N,
        news("Title:", "Titel:"),
        [f'{N}:1: Titel: Ukendt felt. Felterne skrives på engelsk: skriv "Title".'],
        id="titel",
    ),
    pytest.param(
        N, news("Date:", "Dato:"), [f'{N}:2: Dato: Ukendt felt. Felterne skrives på engelsk: skriv "Date".'], id="dato"
    ),
    pytest.param(
        N,
        news("Estate: Akacieparken", "Estate: Akacieparken\nFarve: rød"),
        [
            f"{N}:5: Farve: Ukendt felt i en nyhed. Tilladte felter: Title, Date, Category, Estate, Tags, "
            f"Summary, Image, Image-Alt, Print, Coverage, Status, Lang, Slug."
        ],
        id="unknown-key",
    ),
    pytest.param(
        N,
        news("Estate: Akacieparken", "Estate: Akacieparken\nCatgory: Sport"),
        [f'{N}:5: Catgory: Ukendt felt. Mente du "Category"?'],
        id="key-typo",
    ),
    pytest.param(
        P,
        PAGE.replace("Order: 1", "Date: 2013-01-01"),
        [
            f'{P}:2: Date: En side har ikke feltet "Date". Tilladte felter: Title, Slug, Summary, Category, '
            f"Estate, Audience, Order, Partners, Contact, Lang, Status."
        ],
        id="date-on-a-page",
    ),
    pytest.param(
        N,
        news("Title: Fastelavn i Akacieparken\n", ""),
        [f'{N}:1: Title: Feltet mangler. Tilføj en linje "Title: ..." øverst i filen.'],
        id="missing-title",
    ),
    pytest.param(
        N,
        news("Title: Fastelavn i Akacieparken", "Title:"),
        [f"{N}:1: Title: Feltet er tomt. Skriv en værdi eller slet linjen."],
        id="empty-title",
    ),
    pytest.param(
        E,
        event("Location: Beboerhuset\n", ""),
        [f'{E}:1: Location: Feltet mangler. Tilføj en linje "Location: ..." øverst i filen.'],
        id="event-without-location",
    ),
    pytest.param(
        N,
        "Title: Fastelavn\nDate: 2013-02-11\nCategory: Image og kommunikation\nSummary: B\xf8rn\n\nx\n".encode(
            "latin-1"
        ),
        [f"{N}:4: Filen er ikke gemt som UTF-8 (se æ, ø og å i denne linje). Gem den igen med tegnsættet UTF-8."],
        id="not-utf-8",
    ),
    # --- images
    pytest.param(
        N,
        news("Estate: Akacieparken", "Estate: Akacieparken\nImage: billeder/fest.jpg\nImage-Alt: Børn"),
        [
            f'{N}:5: Image: Billedet "billeder/fest.jpg" findes ikke. Læg billedfilen i '
            f"content/billeder/fest.jpg, eller ret navnet."
        ],
        id="image-missing",
    ),
    pytest.param(
        N,
        news("Estate: Akacieparken", "Estate: Akacieparken\nImage: billeder/Fastelavn.JPG\nImage-Alt: Børn"),
        [
            f'{N}:5: Image: Billedet "billeder/Fastelavn.JPG" findes ikke. Læg billedfilen i '
            f'content/billeder/Fastelavn.JPG, eller ret navnet. Mente du "billeder/fastelavn.jpg"?'
        ],
        id="image-wrong-case",
    ),
    pytest.param(
        N,
        news("Estate: Akacieparken", "Estate: Akacieparken\nImage: billeder/fastelavn.jpg"),
        [
            f"{N}:5: Image-Alt: Feltet mangler. Et billede skal have en kort beskrivelse til blinde "
            f'læsere: tilføj en linje "Image-Alt: ..." under Image.'
        ],
        id="image-without-alt",
    ),
    # --- repeating events
    pytest.param(
        E,
        event("FREQ=WEEKLY;BYDAY=MO,WE,TH;UNTIL=20161231", "FREQ=WEEKLY;BYDAY=MA,ON"),
        [
            f'{E}:4: Repeat: "BYDAY=MA,ON" forstås ikke. Ugedagene skrives på engelsk: '
            f'MO, TU, WE, TH, FR, SA, SU. Skriv "BYDAY=MO,WE".'
        ],
        id="byday-in-danish",
    ),
    pytest.param(
        E,
        event("FREQ=WEEKLY;BYDAY=MO,WE,TH;UNTIL=20161231", "hver mandag og onsdag"),
        [
            f'{E}:4: Repeat: Gentagelsen skal skrives som en regel. "hver mandag og onsdag" skrives '
            f'"FREQ=WEEKLY;BYDAY=MO,WE".'
        ],
        id="repeat-in-words",
    ),
    pytest.param(
        E,
        event("FREQ=WEEKLY", "FREQ=WEEKLI"),
        [
            f'{E}:4: Repeat: FREQ skal være "DAILY", "WEEKLY", "MONTHLY" eller "YEARLY", ikke "WEEKLI". '
            f'Mente du "WEEKLY"?'
        ],
        id="freq-misspelt",
    ),
    pytest.param(
        E,
        event("UNTIL=20161231", "UNTIL=2016-12-31"),
        [f'{E}:4: Repeat: UNTIL skal være en dato uden bindestreger, ikke "2016-12-31". Skriv "UNTIL=20161231".'],
        id="until-with-dashes",
    ),
    pytest.param(
        E,
        event("UNTIL=20161231", "UNTIL=20161231;COUNT=3"),
        [f"{E}:4: Repeat: Brug enten UNTIL (slutdato) eller COUNT (antal gange), ikke begge."],
        id="until-and-count",
    ),
    pytest.param(
        E,
        event("UNTIL=20161231", "INTERVAL=to"),
        [f'{E}:4: Repeat: INTERVAL skal være et helt tal, fx "INTERVAL=2", ikke "TO".'],
        id="interval-in-words",
    ),
    pytest.param(
        E,
        event("UNTIL=20161231", "UNTIL=20130230"),
        [f'{E}:4: Repeat: UNTIL: Datoen "2013-02-30" findes ikke: februar 2013 har 28 dage.'],
        id="until-impossible-date",
    ),
    pytest.param(
        E,
        event("FREQ=WEEKLY;BYDAY=MO,WE,TH", "BYDAY=MO,WE,TH"),
        [f'{E}:4: Repeat: Gentagelsen mangler "FREQ=", fx "FREQ=WEEKLY;BYDAY=TU".'],
        id="no-freq",
    ),
    pytest.param(
        E,
        event("UNTIL=20161231", "WKST=XX"),
        [
            f'{E}:4: Repeat: Gentagelsen "FREQ=WEEKLY;BYDAY=MO,WE,TH;WKST=XX" kan ikke bruges. '
            f'Se eksemplerne i vejledningen under "En aktivitet, der gentages".'
        ],
        id="rule-dateutil-refuses",
    ),
    pytest.param(
        E,
        event("UNTIL=20161231", "UNTIL=20121231"),
        [f"{E}:4: Repeat: Gentagelsen giver ingen datoer efter Start. Tjek UNTIL og BYDAY."],
        id="until-before-start",
    ),
    pytest.param(
        E,
        add_to_event("Except: 2013-02-12"),
        [
            f"{E}:5: Except: 2013-02-12 (tirsdag) er ikke en dag, hvor aktiviteten finder sted. "
            f"Nærmeste dage: 2013-02-06, 2013-02-07, 2013-02-11, 2013-02-13."
        ],
        id="except-not-a-date",
    ),
    pytest.param(
        E,
        add_to_event("Except: 2013-07-06 .. 2013-07-07"),
        [f"{E}:5: Except: Perioden 2013-07-06 .. 2013-07-07 har ingen dage med aktiviteten."],
        id="except-weekend-range",
    ),
    pytest.param(
        E,
        add_to_event("Cancelled: 2013-03-05"),
        [
            f"{E}:5: Cancelled: 2013-03-05 (tirsdag) er ikke en dag, hvor aktiviteten finder sted. "
            f"Nærmeste dage: 2013-02-27, 2013-02-28, 2013-03-04, 2013-03-06."
        ],
        id="cancelled-not-a-date",
    ),
    pytest.param(
        E,
        add_to_event("Except: 2013-02-11\nCancelled: 2013-02-11"),
        [f"{E}:6: Cancelled: 2013-02-11 står både i Except og Cancelled."],
        id="except-and-cancelled",
    ),
    pytest.param(
        E,
        add_to_event("Moved: 2013-03-04 til 2013-03-05 16:00"),
        [
            f'{E}:5: Moved: Skriv en flytning som "2013-03-04 -> 2013-03-05 16:00", '
            f'ikke "2013-03-04 til 2013-03-05 16:00".'
        ],
        id="moved-with-til",
    ),
    pytest.param(
        E,
        add_to_event("Moved: 2013-03-06 -> 2013-03-07 kl 16"),
        [f'{E}:5: Moved: Skriv datoen som år-måned-dag og tiden med kolon: "2013-03-07 16:00".'],
        id="moved-with-kl",
    ),
    pytest.param(
        E,
        add_to_event("Moved: 2013-03-05 -> 2013-03-06"),
        [
            f"{E}:5: Moved: 2013-03-05 (tirsdag) er ikke en dag, hvor aktiviteten finder sted. "
            f"Nærmeste dage: 2013-02-27, 2013-02-28, 2013-03-04, 2013-03-06."
        ],
        id="moved-not-a-date",
    ),
    # --- newsletter issues and sections
    pytest.param(
        I,
        ISSUE.replace("2013-03-01 .. 2013-05-31", "marts til maj"),
        [f'{I}:3: Covers: Skriv perioden som "2013-03-01 .. 2013-05-31", ikke "marts til maj".'],
        id="covers-in-words",
    ),
    pytest.param(
        I,
        ISSUE.replace("2013-03-01 .. 2013-05-31", "2013-05-31 .. 2013-03-01"),
        [
            f"{I}:3: Covers: Perioden slutter før den begynder. Skriv den tidligste dato først: "
            f'"2013-03-01 .. 2013-05-31".'
        ],
        id="covers-reversed",
    ),
    pytest.param(
        I,
        ISSUE.replace("Date: 2013-03-01", "Date: 2013-03-01 10:00"),
        [f'{I}:2: Date: Skriv kun datoen, uden klokkeslæt: "2013-03-01".'],
        id="issue-date-with-time",
    ),
    pytest.param(
        S,
        "Title: Nyt fra driften\nEstate: Akacieparken\n\nTekst.\n",
        [f'{S}:2: Estate: Et afsnit i et nyhedsbrev har ikke feltet "Estate". Tilladte felter: Title, Lang.'],
        id="section-with-estate",
    ),
    # --- characters that look right but are not (pasted from Word or a web page)
    pytest.param(
        N,
        news("Date: 2013-02-11 10:00", "Date: 2013-02-11\u00a010:00"),
        [
            f"{N}:2: Date: Værdien indeholder et usynligt tegn: hårdt mellemrum (U+00A0), der ligner et almindeligt "
            f'tegn. Skriv "2013-02-11 10:00" (invoke tjek --ret retter det).'
        ],
        id="no-break-space-in-date",
    ),
    pytest.param(
        N,
        news("Date: 2013-02-11 10:00", "\u201cDate\u201d: 2013-02-11 10:00"),
        [
            f'{N}:2: Date: Feltnavnet "\u201cDate\u201d" indeholder tegnet: krumt anførselstegn (U+201C). '
            f'Skriv "Date:" med almindelige tegn (invoke tjek --ret retter det).'
        ],
        id="smart-quotes-around-key",
    ),
    pytest.param(
        N,
        news("Estate: Akacieparken", "Image: billeder/fastelavn.jpg\nImage\u2013Alt: Børn i kostumer"),
        [
            f'{N}:5: Image-Alt: Feltnavnet "Image\u2013Alt" indeholder tegnet: Words lange tankestreg (U+2013). '
            f'Skriv "Image-Alt:" med almindelige tegn (invoke tjek --ret retter det).'
        ],
        id="word-dash-in-key",
    ),
    pytest.param(
        N,
        news("Title: Fastelavn i Akacieparken", "Title\tFastelavn i Akacieparken"),
        [
            f"{N}:1: Title: Mellem feltnavnet og værdien står et usynligt tegn: tabulator (U+0009), men intet kolon. "
            f'Skriv "Title: Fastelavn i Akacieparken" (invoke tjek --ret retter det).'
        ],
        id="tab-instead-of-colon",
    ),
    pytest.param(
        N,
        news("120 børn slog katten af tønden.", "120 børn slog katten\u2028af tønden."),
        [
            f"{N}:6: Linjen indeholder et usynligt tegn: linjeskift fra Word (U+2028). "
            "Slet det; tryk Enter, hvis der skal være et linjeskift."
        ],
        id="word-line-separator",
    ),
    # --- a file in the wrong folder
    pytest.param(
        E,
        NEWS,
        [f"{E}:1: Filen ligner en nyhed, men ligger i en anden mappe. Flyt den til content/nyheder/."],
        id="news-among-the-events",
    ),
    pytest.param(
        N,
        EVENT,
        [f"{N}:1: Filen ligner en aktivitet, men ligger i en anden mappe. Flyt den til content/kalender/."],
        id="event-among-the-news",
    ),
    # --- several mistakes in one file: all are reported, in line order
    pytest.param(
        N,
        news("Category: Beboernetværk, inddragelse og demokrati", "Category: Image").replace(
            "Estate: Akacieparken", "Estate: Lukretiavjev\nPrint: nej\nLang: EN"
        ),
        [
            f'{N}:3: Category: "Image" er ikke et indsatsområde. Brug en af: "Børn, unge og familier", '
            f'"Uddannelse, beskæftigelse og erhverv", "Beboernetværk, inddragelse og demokrati", '
            f'"Image og kommunikation".',
            f'{N}:4: Estate: "Lukretiavjev" er ikke en afdeling. Brug en af: "Akacieparken", "Lukretiavej". '
            f'Mente du "Lukretiavej"?',
        ],
        id="several-mistakes",
    ),
]


@pytest.mark.parametrize("relative, text, expected", CASES)
def test_each_mistake_gets_its_exact_message(tree, relative, text, expected):
    assert check(tree, relative, text) == expected


def test_there_are_at_least_thirty_kinds_of_mistake():
    assert len(CASES) >= 30


ACCEPTED = [
    pytest.param("\ufeff" + NEWS, id="byte-order-mark"),
    pytest.param(NEWS.replace("\n", "\r\n"), id="windows-line-endings"),
    pytest.param(NEWS.replace(": ", ":\t").replace("Title:", "Title\t:"), id="tabs"),
    pytest.param(news("10:00", "10.00"), id="time-with-full-stop"),
    pytest.param(news("Title:", "title:").replace("Estate:", "ESTATE:"), id="keys-in-any-case"),
    pytest.param(news("Estate: Akacieparken", "Estate: Akacieparken , Lukretiavej\nPrint: nej"), id="spaces-and-nej"),
]


@pytest.mark.parametrize("text", ACCEPTED)
def test_harmless_variations_are_accepted_silently(tree, text):
    root, settings = tree
    path = root / N
    path.write_text(text, encoding="utf-8", newline="")
    try:
        checked, problems = schema.check_file(path, settings, root / "content")
    finally:
        path.unlink()
    assert problems == []
    assert checked.values["title"] == "Fastelavn i Akacieparken"
    assert checked.values["date"].strftime("%Y-%m-%d %H:%M") == "2013-02-11 10:00"
    assert checked.body.strip() == "120 børn slog katten af tønden."


def test_bom_crlf_and_tabs_build_into_the_site(site):
    site.write(
        {
            "content/nyheder/bom.md": "",
            "content/kalender/crlf.md": "",
        }
    )
    (site.root / "content/nyheder/bom.md").write_text("\ufeff" + NEWS, encoding="utf-8")
    (site.root / "content/kalender/crlf.md").write_bytes(
        EVENT.replace(": ", ":\t").replace("\n", "\r\n").encode("utf-8")
    )
    site.build()
    article = site.read("nyheder/2013/fastelavn-i-akacieparken/index.html")
    assert "120 børn slog katten af tønden." in article
    assert "\ufeff" not in article
    assert "Hjælp til lektierne." in site.read("kalender/lektiecafe/index.html")


def test_a_broken_tree_stops_the_build_and_lists_every_problem(site):
    site.write(
        {
            "content/nyheder/a.md": textwrap.dedent(news("Estate: Akacieparken", "Estate: Akaciparken")),
            "content/kalender/b.md": add_to_event("Cancelled: 2013-03-05"),
        }
    )
    with pytest.raises(BuildFailed) as failure:
        site.build()
    lines = str(failure.value).splitlines()
    assert any(line.startswith("content/nyheder/a.md:4: Estate:") for line in lines)
    assert any(line.startswith("content/kalender/b.md:5: Cancelled:") for line in lines)
    assert not (site.root / "output").exists()


def test_newsletter_folders_are_checked_by_name_and_index(site):
    site.write(
        {
            "newsletter/2013-1/index.md": ISSUE,
            "newsletter/forår-2013/index.md": ISSUE,
            "newsletter/2013-2/20-afsnit.md": "Title: Afsnit\n\nTekst.\n",
        }
    )
    assert [str(p) for p in schema.check_tree(site.settings())] == [
        "newsletter/2013-2:1: Mappen mangler index.md med Title og Date.",
        'newsletter/forår-2013:1: Mappen skal hedde år-nummer, fx "2013-1".',
    ]


# --- Across files and beyond the header: the gate (content/gate.py), through `tjek` and `byg` alike


def tjek(site) -> list[str]:
    """What `invoke tjek` prints: errors and warnings, by file and line."""
    from rumforliv.editor import commands

    return commands.check_all(site.settings()).lines()


def build_failure(site) -> list[str]:
    """The lines `byg` stops with: the same as `tjek`'s errors, never a technical error."""
    with pytest.raises(BuildFailed) as failure:
        site.build()
    assert "teknisk" not in str(failure.value)
    return str(failure.value).splitlines()


def test_files_the_build_would_pass_over_are_named(site):
    site.write({"content/nyheder/fastelavn.md.txt": NEWS, "content/nyheder/ok.md": NEWS})
    (site.root / "content/nyheder/referat.docx").write_bytes(b"PK\x03\x04")
    (site.root / "content/foto.jpg").write_bytes(b"\xff\xd8\xff")
    (site.root / "newsletter/2013-1").mkdir()
    (site.root / "newsletter/2013-1/index.md").write_text(ISSUE, encoding="utf-8")
    (site.root / "newsletter/2013-1/30-driften.txt").write_text("Title: Driften\n\nTekst.\n", encoding="utf-8")
    expected = [
        "content/foto.jpg:1: Billedet bliver ikke brugt her. Læg billeder i content/billeder/.",
        'content/nyheder/fastelavn.md.txt:1: Filen bliver ikke læst: kun filer, der ender på .md, kommer med. Omdøb den til "fastelavn.md".',
        "content/nyheder/referat.docx:1: Filen bliver ikke læst: kun tekstfiler, der ender på .md, kommer med. "
        "Kopiér teksten ind i en .md-fil (fx med invoke ny-nyhed), og slet denne fil.",
        'newsletter/2013-1/30-driften.txt:1: Filen bliver ikke læst: kun filer, der ender på .md, kommer med. Omdøb den til "30-driften.md".',
    ]
    assert tjek(site) == expected
    assert sorted(build_failure(site)) == expected


def test_two_files_at_one_address_name_both_and_stop_before_pelican(site):
    site.write(
        {
            "content/kalender/a.md": add_to_event("Slug: lektiecafe"),
            "content/kalender/b.md": add_to_event("Slug: lektiecafe"),
            "content/nyheder/x.md": NEWS,
            "content/nyheder/y.md": news("Date: 2013-02-11 10:00", "Date: 2013-01-20 09:00"),
        }
    )
    expected = [
        "content/kalender/b.md:5: Slug: Siden får samme adresse (/kalender/lektiecafe/) som content/kalender/a.md. "
        'Giv den ene en anden titel, eller skriv en anden "Slug:".',
        "content/nyheder/y.md:1: Title: Siden får samme adresse (/nyheder/2013/fastelavn-i-akacieparken/) som "
        'content/nyheder/x.md. Giv den ene en anden titel, eller skriv en anden "Slug:".',
    ]
    assert tjek(site) == expected
    assert sorted(build_failure(site)) == expected


def test_a_page_at_one_of_the_sites_own_addresses(site):
    site.write(
        {
            "content/sider/a.md": "Title: Nyhedsbrev\n\nTekst.\n",
            "content/sider/b.md": "Title: Side\nSlug: kalender\n\nTekst.\n",
        }
    )
    expected = [
        'content/sider/a.md:1: Title: Adressen /nyhedsbrev/ bruges af hjemmesiden selv. Skriv en anden adresse, fx "Slug: om-nyhedsbrev".',
        'content/sider/b.md:2: Slug: Adressen /kalender/ bruges af hjemmesiden selv. Skriv en anden adresse, fx "Slug: om-kalender".',
    ]
    assert tjek(site) == expected
    assert sorted(build_failure(site)) == expected


def test_a_translation_with_the_same_slug_is_no_duplicate(site):
    site.write(
        {
            "content/kalender/a.md": add_to_event("Slug: lektiecafe"),
            "content/kalender/a.en.md": add_to_event("Slug: lektiecafe\nLang: en"),
        }
    )
    assert tjek(site) == []


def test_a_title_too_long_for_a_file_name(site):
    site.write({"content/nyheder/x.md": news("Title: Fastelavn i Akacieparken", "Title: " + "Fastelavn " * 30 + "!")})
    expected = [
        "content/nyheder/x.md:1: Title: Titlen er 301 tegn lang; den må højst være 120. "
        "Gør den kortere, og skriv resten i teksten."
    ]
    assert tjek(site) == expected
    assert sorted(build_failure(site)) == expected


def test_word_line_separator_is_named_in_the_news_item_not_the_newsletter(site):
    site.write(
        {"content/nyheder/x.md": news("120 børn slog", "120 børn\u2028slog"), "newsletter/2013-1/index.md": ISSUE}
    )
    expected = [
        "content/nyheder/x.md:6: Linjen indeholder et usynligt tegn: linjeskift fra Word (U+2028). "
        "Slet det; tryk Enter, hvis der skal være et linjeskift."
    ]
    assert tjek(site) == expected
    assert sorted(build_failure(site)) == expected


def test_a_character_no_font_has_is_named_with_file_and_line(site):
    site.write(
        {
            "content/nyheder/x.md": news("120 børn slog", "120 børn \U0001f389 slog"),
            "newsletter/2013-1/index.md": ISSUE.replace("Kære beboere.", "Kære beboere \ue000."),
        }
    )
    expected = [
        'content/nyheder/x.md:6: Tegnet "\U0001f389" (U+1F389) findes ikke i skrifttyperne og ville blive trykt '
        "som en tom firkant. Slet det, eller skriv det med almindelige bogstaver.",
        'newsletter/2013-1/index.md:5: Tegnet "\ue000" (U+E000) findes ikke i skrifttyperne og ville blive trykt '
        "som en tom firkant. Slet det, eller skriv det med almindelige bogstaver.",
    ]
    assert tjek(site) == expected
    assert sorted(build_failure(site)) == expected


def test_placeholder_text_of_the_templates_is_an_error(site):
    from rumforliv.editor import commands

    path = commands.new_news(site.settings(), "Loppemarked", now=dt.datetime(2013, 3, 1, 10, 0))
    relative = path.relative_to(site.root).as_posix()
    assert tjek(site) == [
        f'{relative}:5: Skabelonens eksempeltekst "Skriv nyheden her." står her stadig. Skriv din egen tekst i stedet.'
    ]


def test_pictures_inside_the_text_are_checked(site):
    (site.content / "billeder").mkdir()
    (site.content / "billeder/fastelavn.jpg").write_bytes(b"\xff\xd8\xff")
    body = "Se billedet:\n\n![](billeder/fastelavn.jpg)\n\n![Tønden](billeder/toenden.jpg)\n"
    site.write({"content/nyheder/x.md": NEWS + "\n" + body})
    assert tjek(site) == [
        "content/nyheder/x.md:10: Billede: Billedet mangler en kort beskrivelse til blinde læsere. "
        'Skriv den mellem de firkantede parenteser: "![Børn på legepladsen](billeder/fastelavn.jpg)".',
        'content/nyheder/x.md:12: Billede: Billedet "billeder/toenden.jpg" findes ikke. '
        "Læg billedfilen i content/billeder/toenden.jpg, eller ret navnet.",
    ]


def test_a_word_file_given_as_picture_is_named_where_it_is_used(site):
    (site.content / "billeder").mkdir()
    site.write({"content/nyheder/x.md": news("Estate: Akacieparken", "Image: referat.docx\nImage-Alt: Referat")})
    (site.content / "referat.docx").write_bytes(b"PK\x03\x04")
    assert tjek(site)[0] == (
        'content/nyheder/x.md:4: Image: "referat.docx" er ikke et billede. Brug en billedfil '
        "(.gif, .jpeg, .jpg, .png, .svg, .webp)."
    )


def test_warnings_are_printed_and_stop_nothing(site, capsys):
    from rumforliv.editor import commands

    (site.content / "billeder").mkdir()
    (site.content / "billeder/gammel.jpg").write_bytes(b"\xff\xd8\xff")
    site.write(
        {
            "content/nyheder/x.md": news("Date: 2013-02-11 10:00", "Date: 2013-03-05 10:00")
            + "\n\tSkrevet af bestyrelsen.\n",
            "content/nyheder/y.md": news("Title: Fastelavn i Akacieparken", "Title: Loppemarked").replace(
                "Estate: Akacieparken", "Estate: Akacieparken\nStatus: draft"
            ),
        }
    )
    expected = [
        "content/billeder/gammel.jpg:1: Advarsel: Billedet bruges ikke i nogen nyhed eller side. Brug det, eller slet det.",
        "content/nyheder/x.md:2: Date: Advarsel: Datoen er efter i dag: nyheden vises fra d. 5. marts 2013.",
        "content/nyheder/x.md:8: Advarsel: Linjen begynder med et usynligt tegn: tabulator (U+0009) og bliver "
        "derfor vist som kode i en grå boks. Slet mellemrummet i starten af linjen.",
        "content/nyheder/y.md:5: Status: Advarsel: Filen er en kladde: den vises kun i forhåndsvisningen under "
        "/kladder/, ikke på den udgivne side.",
    ]
    assert tjek(site) == expected
    report = commands.build_site(ROOT / "pelicanconf.py", site.output, **site.overrides())
    assert report.output == site.output
    printed = capsys.readouterr().out.splitlines()
    assert [line for line in expected if line not in printed] == []
    assert "<pre><code>Skrevet af bestyrelsen." in site.read("kladder/nyheder/fastelavn-i-akacieparken/index.html")


def test_a_lists_indented_paragraph_is_no_code_block(site):
    site.write({"content/nyheder/x.md": NEWS + "\n- Tag madpakke med.\n\n    Og drikkedunk.\n- Kom til tiden.\n"})
    assert tjek(site) == []


def test_two_issues_of_one_season_are_an_error(site):
    site.write({"newsletter/2013-1/index.md": ISSUE, "newsletter/2013-2/index.md": ISSUE})
    assert tjek(site) == [
        "newsletter/2013-2/index.md:2: Date: Nyhedsbrevet er fra samme sæson (forår 2013) som "
        "newsletter/2013-1/index.md. Ret datoen, eller slet den kopierede mappe."
    ]


def test_ret_fixes_only_what_is_unambiguous_and_says_what(site):
    from rumforliv.editor import commands

    text = news("Date: 2013-02-11 10:00", "\u201cDate\u201d: 2013-02-11\u00a010:00").replace(
        "Estate: Akacieparken", "Estate: Akacieparken\nTags: fest,\u00a0børn"
    )
    path = site.content / "nyheder/x.md"
    path.write_bytes(text.replace("\n", "\r\n").encode("utf-8"))
    assert commands.repair(site.settings()) == [
        "content/nyheder/x.md:2: Date: Rettet: tegnet: krumt anførselstegn (U+201C) er slettet; "
        "tegnet: krumt anførselstegn (U+201D) er slettet.",
        "content/nyheder/x.md:2: Date: Rettet: et usynligt tegn: hårdt mellemrum (U+00A0) er skiftet ud med et "
        "almindeligt mellemrum.",
    ]
    assert commands.repair(site.settings()) == []
    fixed = text.replace("\u201cDate\u201d: 2013-02-11\u00a010:00", "Date: 2013-02-11 10:00")
    assert path.read_bytes() == fixed.replace("\n", "\r\n").encode("utf-8")  # the tag's no-break space is left alone
    assert tjek(site) == []
