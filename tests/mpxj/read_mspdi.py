"""Reads an MS Project XML file with MPXJ and prints what MPXJ sees, as JSON on stdout:
tasks (with duration and link lags in working days, start and finish, progress and date
constraints), the status date, resources and assignments. Used by tests/it/interchange.rs
to check `shipdate export --to mspdi`."""
import json
import sys

from common import start

start()
from org.mpxj import TimeUnit  # noqa: E402
from org.mpxj.reader import UniversalProjectReader  # noqa: E402

project = UniversalProjectReader().read(sys.argv[1])
if project is None:
    sys.exit("MPXJ could not read the file")
props = project.getProjectProperties()


def days(d):
    if d is None:
        return None
    return float(d.convertUnits(TimeUnit.DAYS, props).getDuration())


def stamp(t):
    return None if t is None else str(t.toString())


tasks = []
for t in project.getTasks():
    if t.getUniqueID() is None or int(t.getUniqueID()) == 0:
        continue
    tasks.append({
        "uid": int(t.getUniqueID()),
        "name": str(t.getName()),
        "text1": None if t.getText(1) is None else str(t.getText(1)),
        "text2": None if t.getText(2) is None else str(t.getText(2)),
        "duration": days(t.getDuration()),
        "start": stamp(t.getStart()),
        "finish": stamp(t.getFinish()),
        "milestone": bool(t.getMilestone()),
        "summary": bool(t.getSummary()),
        "critical": bool(t.getCritical()),
        "constraint": str(t.getConstraintType()) if t.getConstraintType() else None,
        "constraint_date": stamp(t.getConstraintDate()),
        "deadline": stamp(t.getDeadline()),
        "actual_start": stamp(t.getActualStart()),
        "actual_finish": stamp(t.getActualFinish()),
        "percent_complete": None if t.getPercentageComplete() is None
        else float(t.getPercentageComplete().doubleValue()),
        "actual_duration": days(t.getActualDuration()),
        "remaining_duration": days(t.getRemainingDuration()),
        "preds": [
            {
                "uid": int(r.getPredecessorTask().getUniqueID()),
                "type": str(r.getType()),
                "lag": days(r.getLag()),
            }
            for r in t.getPredecessors()
        ],
    })
resources = [
    {"uid": int(r.getUniqueID()), "name": str(r.getName()),
     "max_units": float(r.getMaxUnits()) if r.getMaxUnits() is not None else None}
    for r in project.getResources()
    if r.getUniqueID() is not None and r.getName() is not None
]
assignments = [
    {"task": int(a.getTask().getUniqueID()), "resource": str(a.getResource().getName()),
     "units": float(a.getUnits())}
    for a in project.getResourceAssignments()
    if a.getResource() is not None
]
calendars = [
    {"name": str(c.getName()),
     "holidays": sorted({str(e.getFromDate()) for e in c.getCalendarExceptions()
                         if not e.getWorking()})}
    for c in project.getCalendars()
]
print(json.dumps({
    "start": stamp(props.getStartDate()),
    "status_date": stamp(props.getStatusDate()),
    "tasks": tasks,
    "resources": resources,
    "assignments": assignments,
    "calendars": calendars,
}))
