"""Writes an MS Project XML file with progress, with MPXJ: a status date of Friday 15 January
2027 at 17:00, a finished task, a task 40% done with 6 of its 10 days remaining, its
successor, and a task not started. tests/data/interchange/mpxj-progress.xml was written by
it; tests/it/interchange.rs checks how shipdate imports, schedules and exports that file.

Usage: write_progress.py OUT.xml"""
import sys

from common import start

start()
from java.time import LocalDateTime  # noqa: E402
from org.mpxj import Duration, ProjectFile, Relation, RelationType, TimeUnit  # noqa: E402
from org.mpxj.writer import FileFormat, UniversalProjectWriter  # noqa: E402

project = ProjectFile()
project.addDefaultBaseCalendar()
props = project.getProjectProperties()
props.setStartDate(LocalDateTime.of(2027, 1, 4, 8, 0))
props.setStatusDate(LocalDateTime.of(2027, 1, 15, 17, 0))
props.setCurrentDate(LocalDateTime.of(2027, 1, 15, 17, 0))
props.setName("Progress written by MPXJ")


def days(n):
    return Duration.getInstance(n, TimeUnit.DAYS)


def task(name, duration, start, finish):
    t = project.addTask()
    t.setName(name)
    t.setDuration(days(duration))
    t.setStart(start)
    t.setFinish(finish)
    return t


def after(succ, pred):
    succ.addPredecessor(
        Relation.Builder().predecessorTask(pred).type(RelationType.FINISH_START).lag(days(0)))


# Finished: Monday 4 to Friday 8 January.
design = task("Design", 5, LocalDateTime.of(2027, 1, 4, 8, 0), LocalDateTime.of(2027, 1, 8, 17, 0))
design.setActualStart(LocalDateTime.of(2027, 1, 4, 8, 0))
design.setActualFinish(LocalDateTime.of(2027, 1, 8, 17, 0))
design.setActualDuration(days(5))
design.setRemainingDuration(days(0))
design.setPercentageComplete(100)

# Started Monday 11 January; 40% of 10 days done, 6 days remaining.
build = task("Build", 10, LocalDateTime.of(2027, 1, 11, 8, 0), LocalDateTime.of(2027, 1, 25, 17, 0))
build.setActualStart(LocalDateTime.of(2027, 1, 11, 8, 0))
build.setActualDuration(days(4))
build.setRemainingDuration(days(6))
build.setPercentageComplete(40)
after(build, design)

test = task("Test", 3, LocalDateTime.of(2027, 1, 26, 8, 0), LocalDateTime.of(2027, 1, 28, 17, 0))
test.setRemainingDuration(days(3))
test.setPercentageComplete(0)
after(test, build)

# Not started, no links: it was planned for the first week.
docs = task("Docs", 2, LocalDateTime.of(2027, 1, 4, 8, 0), LocalDateTime.of(2027, 1, 5, 17, 0))
docs.setRemainingDuration(days(2))
docs.setPercentageComplete(0)

UniversalProjectWriter(FileFormat.MSPDI).write(project, sys.argv[1])
