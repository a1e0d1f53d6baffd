"""An event's schedule in words: rules, times, periods and skipped days in plain Danish."""

import datetime as dt
from types import SimpleNamespace

import pytest

from rumforliv.build.run import load_settings
from rumforliv.calendar.recurrence import build_schedule
from rumforliv.content import schema
from rumforliv.wording.words import day_heading, day_range, describe

from conftest import ROOT

SETTINGS = load_settings(ROOT / "pelicanconf.py")
TODAY = dt.date(2013, 3, 4)


def event(**fields):
    """An event-like object with the schedule the reader would build from these header fields."""
    parsers = schema.SCHEMAS["event"]
    values = {key.lower(): parsers[key.lower()][0](text, SETTINGS) for key, text in fields.items()}
    return SimpleNamespace(schedule=build_schedule(values, SETTINGS))


def words(since=TODAY, until=None, **fields):
    return describe(event(**fields), {**SETTINGS, "TODAY": TODAY}, since=since, until=until)


@pytest.mark.parametrize(
    "fields, expected",
    [
        (
            {"Start": "2013-01-08 10:00", "End": "2013-01-08 12:00", "Repeat": "FREQ=WEEKLY;BYDAY=TU"},
            "hver tirsdag kl. 10–12",
        ),
        (
            {"Start": "2013-01-07 15:00", "End": "2013-01-07 17:00", "Repeat": "FREQ=WEEKLY;BYDAY=TH,MO,WE"},
            "hver mandag, onsdag og torsdag kl. 15–17",
        ),
        (
            {"Start": "2013-01-08 10:00", "Repeat": "FREQ=WEEKLY"},  # no BYDAY: the start's weekday; default 2 hours
            "hver tirsdag kl. 10–12",
        ),
        (
            {"Start": "2013-01-02 15:30", "End": "2013-01-02 17:00", "Repeat": "FREQ=WEEKLY;INTERVAL=2;BYDAY=WE"},
            "hver anden onsdag kl. 15.30–17",
        ),
        (
            {"Start": "2013-01-02 09:05", "End": "2013-01-02 09:50", "Repeat": "FREQ=WEEKLY;INTERVAL=6;BYDAY=WE"},
            "hver 6. onsdag kl. 9.05–9.50",
        ),
        (
            {"Start": "2013-03-02 10:00", "End": "2013-03-02 14:00", "Repeat": "FREQ=MONTHLY;BYDAY=1SA"},
            "den første lørdag i måneden kl. 10–14",
        ),
        (
            {"Start": "2013-01-31 19:00", "End": "2013-01-31 21:00", "Repeat": "FREQ=MONTHLY;BYDAY=-1TH"},
            "den sidste torsdag i måneden kl. 19–21",
        ),
        (
            {"Start": "2013-01-15 17:00", "End": "2013-01-15 18:00", "Repeat": "FREQ=MONTHLY"},
            "den 15. i hver måned kl. 17–18",
        ),
        ({"Start": "2013-01-01 08:00", "End": "2013-01-01 09:00", "Repeat": "FREQ=DAILY"}, "hver dag kl. 8–9"),
        (
            {"Start": "2013-01-01", "Repeat": "FREQ=WEEKLY;BYDAY=SA,SU"},  # all-day: no clock
            "hver lørdag og søndag",
        ),
        (
            {"Start": "2013-05-01 16:00", "Repeat": "FREQ=WEEKLY;BYDAY=WE;BYMONTH=9,5,6"},
            "hver onsdag i maj, juni og september kl. 16–18 fra 1. maj 2013",
        ),
        (
            {"Start": "2013-03-08 18:00", "End": "2013-03-10 14:00", "Repeat": "FREQ=MONTHLY;BYDAY=2FR"},
            "den anden fredag i måneden kl. 18 – søndag kl. 14 fra 8. marts 2013",
        ),
        (
            {"Start": "2012-06-05 10:00", "End": "2012-06-05 12:00", "Repeat": "FREQ=YEARLY"},
            "hvert år d. 5. juni kl. 10–12",
        ),
    ],
)
def test_rules_in_words(fields, expected):
    assert words(**fields) == expected


def test_dates_and_sentences_follow_the_pages_language():
    assert day_range(dt.date(2013, 7, 1), dt.date(2013, 7, 3), "en") == "Jul 1 – 3, 2013"
    assert day_heading(dt.date(2013, 3, 4), "en") == "Mon, March 4"
    assert day_heading(dt.date(2013, 3, 4)) == "mandag d. 4. marts"
    club = event(Start="2013-01-08 10:00", End="2013-01-08 12:00", Repeat="FREQ=WEEKLY;BYDAY=TU")
    # Whole sentences in each language, from the catalogues (i18n); the hours stay left to right.
    assert describe(club, {**SETTINGS, "TODAY": TODAY}, lang="ar") == "كل الثلاثاء الساعة \u206610–12\u2069"
    assert describe(club, {**SETTINGS, "TODAY": TODAY}, lang="en") == "every Tuesday at 10–12"


def test_a_rule_nobody_says_in_a_few_words_points_to_the_dates():
    assert words(Start="2013-01-01 10:00", Repeat="FREQ=MONTHLY;BYDAY=MO;BYSETPOS=2") == (
        "flere gange – se datoerne kl. 10–12"
    )


@pytest.mark.parametrize(
    "fields, expected",
    [
        ({"Start": "2013-03-05 10:00", "End": "2013-03-05 12:00"}, "tirsdag d. 5. marts 2013 kl. 10–12"),
        ({"Start": "2013-03-05 10:30"}, "tirsdag d. 5. marts 2013 kl. 10.30–12.30"),
        ({"Start": "2013-12-31 22:00", "End": "2014-01-01 01:00"}, "tirsdag d. 31. december 2013 kl. 22–1"),
        (
            {"Start": "2013-07-05 18:00", "End": "2013-07-07 14:00"},
            "fredag d. 5. juli 2013 kl. 18 – søndag d. 7. juli 2013 kl. 14",
        ),
        ({"Start": "2013-05-04"}, "lørdag d. 4. maj 2013"),
        ({"Start": "2013-07-01", "End": "2013-07-03"}, "1.–3. juli 2013"),
        ({"Start": "2013-06-30", "End": "2013-07-02"}, "30. juni – 2. juli 2013"),
        ({"Start": "2013-12-30", "End": "2014-01-02"}, "30. december 2013 – 2. januar 2014"),
    ],
)
def test_one_off_events_are_dates(fields, expected):
    assert words(**fields) == expected


def test_a_series_with_an_end_says_its_last_day_and_a_later_start_its_first():
    assert words(Start="2013-04-02 16:00", End="2013-04-02 19:00", Repeat="FREQ=WEEKLY;BYDAY=TU;COUNT=10") == (
        "hver tirsdag kl. 16–19 fra 2. april til og med 4. juni 2013"
    )
    # UNTIL on a Saturday: the words name the last real Thursday, not the UNTIL date.
    assert words(Start="2013-01-03 16:00", Repeat="FREQ=WEEKLY;INTERVAL=2;BYDAY=TH;UNTIL=20161231") == (
        "hver anden torsdag kl. 16–18 til og med 29. december 2016"
    )
    assert words(Start="2013-09-05 16:00", Repeat="FREQ=WEEKLY;BYDAY=TH") == (
        "hver torsdag kl. 16–18 fra 5. september 2013"
    )


HOMEWORK = {"Start": "2013-01-07 15:00", "End": "2013-01-07 17:00", "Repeat": "FREQ=WEEKLY;BYDAY=MO,WE,TH"}


def test_skipped_days_inside_a_named_school_holiday_become_the_holiday():
    winter = "2013-02-11, 2013-02-13, 2013-02-14"
    assert words(since=dt.date(2013, 2, 1), Except=winter, **HOMEWORK) == (
        "hver mandag, onsdag og torsdag kl. 15–17, undtagen i vinterferien"
    )
    easter = "2013-03-25, 2013-03-27, 2013-03-28, 2013-04-01"
    assert words(since=dt.date(2013, 2, 1), Except=f"{winter}, {easter}", **HOMEWORK) == (
        "hver mandag, onsdag og torsdag kl. 15–17, undtagen i vinterferien og påskeferien"
    )


def test_a_holiday_is_named_only_when_every_day_of_it_is_skipped():
    # Thursday 14 February (in the winter holiday) still takes place: name the days, not the holiday.
    assert words(since=dt.date(2013, 2, 1), Except="2013-02-11, 2013-02-13", **HOMEWORK) == (
        "hver mandag, onsdag og torsdag kl. 15–17, undtagen 11. februar og 13. februar"
    )


def test_holidays_and_single_days_together():
    assert words(
        since=dt.date(2013, 2, 1), until=dt.date(2013, 5, 31), Except="2013-02-11 .. 2013-02-17, 2013-05-09", **HOMEWORK
    ) == ("hver mandag, onsdag og torsdag kl. 15–17, undtagen i vinterferien og 9. maj")


def test_only_skipped_days_in_the_period_looked_at_are_mentioned():
    fields = dict(HOMEWORK, Except="2013-02-11, 2013-05-09, 2013-12-23, 2014-01-01")
    assert words(**fields) == "hver mandag, onsdag og torsdag kl. 15–17, undtagen 9. maj"  # the next quarter
    assert words(since=dt.date(2013, 12, 1), until=dt.date(2014, 2, 28), **fields) == (
        "hver mandag, onsdag og torsdag kl. 15–17, undtagen 23. december og 1. januar 2014"
    )


def test_describe_filter_on_an_event_page_names_the_holiday_ahead(site):
    site.write(
        {
            "content/kalender/a.md": """
        Title: Jobcentret
        Start: 2013-01-08 10:00
        End: 2013-01-08 12:00
        Repeat: FREQ=WEEKLY;BYDAY=TU
        Except: 2013-12-24, 2013-12-31
        Location: Lejlighed 252, Akacieparken, 2500 Valby
        Estate: Akacieparken
        Category: Uddannelse, beskæftigelse og erhverv
        Slug: jobcenter
    """
        }
    )
    site.build(today="2013-12-01")
    assert "hver tirsdag kl. 10–12, undtagen i juleferien" in site.read("kalender/jobcenter/index.html")


def test_every_focus_area_and_section_has_a_pictogram_of_its_own():
    from rumforliv.wording.pictograms import FALLBACK, category_pictogram, pictogram, section_pictogram

    settings = load_settings(ROOT / "pelicanconf.py")
    fallback = str(pictogram(FALLBACK))
    pictures = [str(category_pictogram(category, settings)) for category in settings["CATEGORIES"]]
    assert all("<path" in svg and 'aria-hidden="true"' in svg for svg in pictures)
    assert fallback not in pictures and len(set(pictures)) == len(pictures)
    assert str(section_pictogram("driften", settings)) != fallback
    assert str(section_pictogram("noget-andet", settings)) == fallback
