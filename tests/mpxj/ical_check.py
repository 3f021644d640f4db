"""Parses an iCalendar file with the `icalendar` package (a standard RFC 5545 parser) and prints
its events as JSON: uid, summary, start, end, transparency, categories. Used by
tests/it/interchange.rs to check `shipdate export --to ical`.

Usage: ical_check.py FILE.ics"""
import json
import sys

try:
    import icalendar
except ImportError as e:
    sys.stderr.write(f"icalendar is not installed ({e}): run `pip install icalendar`\n")
    sys.exit(3)

with open(sys.argv[1], "rb") as f:
    cal = icalendar.Calendar.from_ical(f.read())
events = []
for ev in cal.walk("VEVENT"):
    events.append({
        "uid": str(ev["UID"]),
        "summary": str(ev["SUMMARY"]),
        "start": ev.decoded("DTSTART").isoformat(),
        "end": ev.decoded("DTEND").isoformat(),
        "stamp": ev.decoded("DTSTAMP").isoformat(),
        "transp": str(ev.get("TRANSP", "")),
        "description": str(ev.get("DESCRIPTION", "")),
        "categories": [str(c) for c in ev.get("CATEGORIES").cats] if ev.get("CATEGORIES") else [],
    })
print(json.dumps({
    "name": str(cal.get("X-WR-CALNAME", "")),
    "version": str(cal["VERSION"]),
    "prodid": str(cal["PRODID"]),
    "events": events,
}))
