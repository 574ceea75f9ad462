#!/usr/bin/env python3
"""Whole-process wall time of several commands, measured side by side.

usage: interleave.py RUNS OUT.json NAME CMD [NAME CMD ...]

Each round runs every command once, in order, so a machine that speeds up or
slows down during the run moves every figure alike and the ratios between
them hold (hyperfine measures one command after another). CMD is an argv
split like a shell line, without a shell: leading VAR=VALUE words set the
environment, and "A || B" alternates between A and B from round to round
(e.g. `azc use` switching back and forth, so that every run writes).
Stdout and stderr go to /dev/null; a command that fails stops the run.
Five rounds warm up first. OUT.json gets {NAME: {mean, median, min, stdev}}
in milliseconds.
"""
import json
import os
import shlex
import statistics
import sys
import time


def parse(cmd):
    variants = []
    for part in cmd.split("||"):
        words = shlex.split(part)
        env = dict(os.environ)
        while words and "=" in words[0] and not words[0].startswith("/"):
            k, v = words.pop(0).split("=", 1)
            env[k] = v
        if not words:
            sys.exit(f"interleave: no program in {cmd!r}")
        variants.append((words, env))
    return variants


def run(argv, env, devnull):
    start = time.perf_counter_ns()
    pid = os.posix_spawn(argv[0], argv, env, file_actions=[
        (os.POSIX_SPAWN_DUP2, devnull, 1), (os.POSIX_SPAWN_DUP2, devnull, 2)])
    _, status = os.waitpid(pid, 0)
    elapsed = (time.perf_counter_ns() - start) / 1e6
    if os.waitstatus_to_exitcode(status) != 0:
        sys.exit(f"interleave: {' '.join(argv)} failed ({os.waitstatus_to_exitcode(status)})")
    return elapsed


def main():
    if len(sys.argv) < 5 or len(sys.argv) % 2 != 1:
        sys.exit(__doc__)
    runs, out = int(sys.argv[1]), sys.argv[2]
    names = sys.argv[3::2]
    cmds = [parse(c) for c in sys.argv[4::2]]
    devnull = os.open(os.devnull, os.O_WRONLY)
    times = [[] for _ in cmds]
    for r in range(5 + runs):
        for i, variants in enumerate(cmds):
            argv, env = variants[r % len(variants)]
            t = run(argv, env, devnull)
            if r >= 5:
                times[i].append(t)
    res = {}
    for name, t in zip(names, times):
        res[name] = {"mean": statistics.mean(t), "median": statistics.median(t),
                     "min": min(t), "stdev": statistics.stdev(t) if len(t) > 1 else 0.0}
    with open(out, "w") as f:
        json.dump(res, f)


if __name__ == "__main__":
    main()
