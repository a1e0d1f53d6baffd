// Expand an iCal feed with Mozilla's ical.js (what Thunderbird uses): an
// implementation independent of the Python one, to compare against.
//
//   node tests/ical/expand.mjs FEED.ics 2013-01-01 2014-01-01
//
// Prints JSON: one object per occurrence starting in [from, to), with the UTC
// start/end ("2013-03-04T14:00:00Z", or "2013-07-01" for all-day), the status
// and the RECURRENCE-ID. Only the feed's own VTIMEZONEs are registered, so a
// feed that relies on a client's built-in zones fails here.
import { readFileSync } from "node:fs";
import ICAL from "ical.js";

const [file, fromText, toText] = process.argv.slice(2);
const root = new ICAL.Component(ICAL.parse(readFileSync(file, "utf8")));

ICAL.TimezoneService.reset(); // only UTC; then the feed's own zones
for (const zone of root.getAllSubcomponents("vtimezone")) {
  ICAL.TimezoneService.register(zone);
}

const TIME_PROPERTIES = ["dtstart", "dtend", "exdate", "recurrence-id"];
for (const vevent of root.getAllSubcomponents("vevent")) {
  for (const name of TIME_PROPERTIES) {
    for (const property of vevent.getAllProperties(name)) {
      const tzid = property.getParameter("tzid");
      if (tzid && !ICAL.TimezoneService.has(tzid)) {
        throw new Error(`${name} uses TZID ${tzid}, which the feed does not define`);
      }
    }
  }
}

const from = ICAL.Time.fromDateString(fromText);
const to = ICAL.Time.fromDateString(toText);

function utc(time) {
  if (time.isDate) return time.toString(); // all-day: "2013-07-01"
  return time.convertToZone(ICAL.Timezone.utcTimezone).toString().replace(/Z?$/, "Z");
}

// Group each master with its overrides (same UID), as a client does.
const byUid = new Map();
for (const vevent of root.getAllSubcomponents("vevent")) {
  const uid = vevent.getFirstPropertyValue("uid");
  if (!byUid.has(uid)) byUid.set(uid, { master: null, exceptions: [] });
  const entry = byUid.get(uid);
  if (vevent.hasProperty("recurrence-id")) entry.exceptions.push(vevent);
  else entry.master = vevent;
}

const result = [];
for (const [uid, { master, exceptions }] of [...byUid].sort()) {
  if (!master) throw new Error(`${uid} has overrides but no master VEVENT`);
  const event = new ICAL.Event(master, { strictExceptions: true, exceptions });
  const iterator = event.iterator();
  for (let next = iterator.next(); next; next = iterator.next()) {
    const details = event.getOccurrenceDetails(next);
    if (details.startDate.compare(to) >= 0 && next.compare(to) >= 0) break;
    if (details.startDate.compare(from) < 0 || details.startDate.compare(to) >= 0) continue;
    result.push({
      uid,
      start: utc(details.startDate),
      end: utc(details.endDate),
      status: details.item.component.getFirstPropertyValue("status") || "CONFIRMED",
      recurrence_id: event.isRecurring() ? utc(details.recurrenceId) : null,
    });
  }
}
process.stdout.write(JSON.stringify(result, null, 1) + "\n");
