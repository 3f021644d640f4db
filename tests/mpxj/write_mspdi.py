"""Writes an MS Project XML file with MPXJ (summary tasks, every link type with positive and
negative lags, a milestone, fractional durations, a holiday), then prints as JSON the finish its
links and durations imply, computed here independently of shipdate: a forward pass of the
critical-path method in working days (summary links applied to the tasks under them), turned
into a date by MPXJ's own calendar arithmetic.

Usage: write_mspdi.py OUT.xml"""
import json
import sys

from common import start

start()
from java.time import LocalDate, LocalDateTime  # noqa: E402
from org.mpxj import Duration, ProjectFile, Relation, RelationType, TimeUnit  # noqa: E402
from org.mpxj.writer import FileFormat, UniversalProjectWriter  # noqa: E402

project = ProjectFile()
cal = project.addDefaultBaseCalendar()
cal.addCalendarException(LocalDate.of(2027, 1, 18), LocalDate.of(2027, 1, 18))
props = project.getProjectProperties()
props.setStartDate(LocalDateTime.of(2027, 1, 4, 8, 0))
props.setName("Written by MPXJ")

# name -> (parent summary or None, duration in days)
leaves = {}
summaries = {}


def summary(name):
    t = project.addTask()
    t.setName(name)
    summaries[name] = (t, [])
    return t


def task(name, days, parent=None):
    t = (summaries[parent][0] if parent else project).addTask()
    t.setName(name)
    t.setDuration(Duration.getInstance(days, TimeUnit.DAYS))
    if days == 0:
        t.setMilestone(True)
    leaves[name] = (t, days)
    if parent:
        summaries[parent][1].append(name)
    return t


TYPES = {"FS": RelationType.FINISH_START, "SS": RelationType.START_START,
         "FF": RelationType.FINISH_FINISH, "SF": RelationType.START_FINISH}
links = []  # (pred name, succ name, type, lag days)


def link(pred, succ, kind="FS", lag=0.0):
    def obj(n):
        return leaves[n][0] if n in leaves else summaries[n][0]
    obj(succ).addPredecessor(
        Relation.Builder().predecessorTask(obj(pred)).type(TYPES[kind])
        .lag(Duration.getInstance(lag, TimeUnit.DAYS)))
    links.append((pred, succ, kind, lag))


summary("Phase A")
task("Design", 3, "Phase A")
task("Build", 5, "Phase A")
task("Review", 2, "Phase A")
task("Docs", 4)
summary("Phase B")
task("Integrate", 2.5, "Phase B")
task("Sign-off", 0, "Phase B")
task("Deploy prep", 1)
task("Tail", 2)
link("Design", "Build", "FS", 1)
link("Build", "Review", "SS", 2)
link("Build", "Docs", "FF", -1)
link("Phase A", "Phase B", "FS", 0.5)
link("Integrate", "Sign-off", "FS")
link("Integrate", "Deploy prep", "SF", 3)
link("Sign-off", "Tail", "FS", -0.5)
link("Deploy prep", "Tail", "SS", 1.5)

UniversalProjectWriter(FileFormat.MSPDI).write(project, sys.argv[1])


# The forward pass, in working days from the start (never before 0).
def expand(name):
    return summaries[name][1] if name in summaries else [name]


preds = {n: [] for n in leaves}
for p, s, kind, lag in links:
    for pl in expand(p):
        for sl in expand(s):
            preds[sl].append((pl, kind, lag))
es, ef = {}, {}
remaining = set(leaves)
while remaining:
    for n in sorted(remaining):
        if all(p in ef for p, _, _ in preds[n]):
            d = leaves[n][1]
            bound = 0.0
            for p, kind, lag in preds[n]:
                bound = max(bound, {
                    "FS": ef[p] + lag,
                    "SS": es[p] + lag,
                    "FF": ef[p] + lag - d,
                    "SF": es[p] + lag - d,
                }[kind])
            es[n], ef[n] = bound, bound + d
            remaining.discard(n)
            break
makespan = max(ef.values())
finish = cal.getDate(props.getStartDate(), Duration.getInstance(makespan, TimeUnit.DAYS))
print(json.dumps({
    "makespan": makespan,
    "finish": str(finish.toLocalDate().toString()),
    "finish_time": str(finish.toString()),
    "tasks": sorted(leaves),
    "early_start": es,
}))
