#!/usr/bin/env python3
"""The build's step runner: one line per step on success, the error and the log's path on failure.

Every recipe of the Makefile that does real work runs through it (docs/architecture.md, "A quiet build")::

    python3 tools/step.py run --log build/2023/logs/03_inhoud.log "chapter 03_inhoud (2023)" -- COMMAND...

prints ``chapter 03_inhoud (2023)  35.2 s`` when COMMAND succeeds, and nothing else: its output (kernel warnings,
library messages, progress bars) goes to the log. When COMMAND fails it prints the label, the last lines of the log
(the error) and the log's path, and exits with COMMAND's exit code. ``--verbose`` (``make V=1``) lets the output
through instead of writing a log. Each message is written with one write() call, so the lines of two steps under
``make -j2`` never interleave mid-line.

A long target runs its steps under ``plan``, which counts the steps make will run (``make -n``), runs make, and lets
each step print its progress (done/total, elapsed, an estimate of the time left)::

    python3 tools/step.py plan "all waves" -- make --no-print-directory all-waves-steps

Standard library only: it also runs before the project's environment exists.
"""

from __future__ import annotations

import argparse
import fcntl
import os
import subprocess
import sys
import time
from pathlib import Path

STATE_VARIABLE = "STEP_STATE"  # the progress file of a plan: its start time, its total, one line per finished step
TAIL_LINES = 25  # the end of a failed step's log: the error, the failing cell or the traceback's last frames
STEP_MARKER = "tools/step.py run "  # how a dry run of make shows a step


def duration(seconds: float) -> str:
    if seconds < 60:
        return f"{seconds:.1f} s"
    minutes, seconds = divmod(round(seconds), 60)
    return f"{minutes}m{seconds:02d}s" if minutes < 60 else f"{minutes // 60}h{minutes % 60:02d}m"


def say(text: str, stream=None) -> None:
    """Write `text` (with a newline) in one write() call, so lines of parallel steps stay whole."""
    stream = stream or sys.stdout
    stream.flush()
    os.write(stream.fileno(), (text.rstrip("\n") + "\n").encode("utf-8", "replace"))


def tail(path: Path, lines: int = TAIL_LINES) -> str:
    text = path.read_text(encoding="utf-8", errors="replace").rstrip("\n").splitlines()
    return "\n".join(("    " + line) if line else "" for line in text[-lines:])


# ---------------------------------------------------------------------------------------------------------------
# Progress of a plan


def progress(state_file: str | None, elapsed_step: float) -> tuple[str, str]:
    """Record one finished step in the plan's state file; return ``[done/total]`` and the elapsed/left times."""
    if not state_file or not Path(state_file).is_file():
        return "", ""
    with open(state_file, "r+", encoding="utf-8") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        lines = handle.read().splitlines()
        handle.write(f"{elapsed_step:.3f}\n")
    started, total = float(lines[0]), int(lines[1])
    done = len(lines) - 1  # the lines after the header, plus this step
    elapsed = time.time() - started
    # More steps than the dry run counted (a step no dry run can foresee) must not give a negative estimate.
    total = max(total, done)
    left = elapsed / done * (total - done)
    estimate = f", about {duration(left)} left" if done < total else ""
    return f"[{done:>{len(str(total))}}/{total}]", f"{duration(elapsed)} elapsed{estimate}"


def count_steps(make_command: list[str]) -> int:
    """How many steps `make_command` will run: the step lines of its dry run (make -n)."""
    done = subprocess.run([*make_command[:1], "-n", *make_command[1:]], capture_output=True, text=True, check=False)
    return sum(STEP_MARKER in line for line in done.stdout.splitlines())


def plan(label: str, make_command: list[str]) -> int:
    total = count_steps(make_command)
    if total == 0:
        say(f"{label}: up to date")
        return 0
    state_dir = Path("build") / "logs"
    state_dir.mkdir(parents=True, exist_ok=True)
    state_file = state_dir / f".plan-{os.getpid()}"
    state_file.write_text(f"{time.time()}\n{total}\n", encoding="utf-8")
    say(f"{label}: {total} steps")
    begin = time.monotonic()
    try:
        # close_fds=False: a make older than 4.4 hands its jobserver (make -j2) on as inherited pipe descriptors.
        code = subprocess.run(make_command, env={**os.environ, STATE_VARIABLE: str(state_file.resolve())},
                              close_fds=False, check=False).returncode
    finally:
        state_file.unlink(missing_ok=True)
    if code == 0:
        say(f"{label}: done in {duration(time.monotonic() - begin)}")
    return code


# ---------------------------------------------------------------------------------------------------------------
# One step


def run(label: str, command: list[str], log: Path, *, verbose: bool = False, last_line: bool = False) -> int:
    begin = time.monotonic()
    if verbose:
        say(f"{label} ...")
        code = subprocess.run(command, check=False).returncode
    else:
        log.parent.mkdir(parents=True, exist_ok=True)
        with open(log, "w", encoding="utf-8") as handle:
            try:
                code = subprocess.run(command, stdin=subprocess.DEVNULL, stdout=handle, stderr=subprocess.STDOUT,
                                      check=False).returncode
            except OSError as error:  # the command itself could not be started
                handle.write(f"{command[0]}: {error}\n")
                code = 127
    seconds = time.monotonic() - begin
    if code != 0:
        where = "" if verbose else f"\n{tail(log)}\n  full log: {log}"
        say(f"FAILED {label} after {duration(seconds)} (exit {code}){where}", sys.stderr)
        return code
    counter, times = progress(os.environ.get(STATE_VARIABLE), seconds)
    summary = ""
    if last_line and not verbose:
        lines = log.read_text(encoding="utf-8", errors="replace").strip().splitlines()
        summary = f"  ({lines[-1].strip()})" if lines else ""
    line = f"{counter + ' ' if counter else ''}{label}  {duration(seconds)}{summary}"
    say(f"{line}  · {times}" if times else line)
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="tools/step.py", description=__doc__.split("\n\n")[0])
    commands = parser.add_subparsers(dest="mode", required=True)
    one = commands.add_parser("run", help="run one step")
    one.add_argument("label", help='what the step does, e.g. "chapter 03_inhoud (2023)"')
    one.add_argument("--log", type=Path, required=True, help="where the step's output goes")
    one.add_argument("--verbose", action="store_true", help="let the output through (make V=1)")
    one.add_argument("--last-line", action="store_true", help="end the success line with the output's last line")
    many = commands.add_parser("plan", help="run make with progress over its steps")
    many.add_argument("label")
    for sub in (one, many):
        sub.add_argument("command", nargs=argparse.REMAINDER, help="-- COMMAND ...")
    args = parser.parse_args(argv)
    command = args.command[1:] if args.command[:1] == ["--"] else args.command
    if not command:
        parser.error("give the command after --")
    try:
        if args.mode == "plan":
            return plan(args.label, command)
        return run(args.label, command, args.log, verbose=args.verbose, last_line=args.last_line)
    except KeyboardInterrupt:  # Ctrl-C reached the command too; make reports the interrupted target
        return 130


if __name__ == "__main__":
    sys.exit(main())
