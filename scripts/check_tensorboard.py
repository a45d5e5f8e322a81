#!/usr/bin/env python3
"""Print the scalars of a TensorBoard event file as JSON, using TensorBoard's own reader.

Usage: check_tensorboard.py EVENT_FILE

Output: {"file_version": 2.0, "scalars": {tag: [[step, value, wall_time], ...]}}
where file_version is the number TensorBoard parsed from the first record ("brain.Event:2").
Used by deepq-log's read-back test to check that hand-written event files parse correctly.
"""

import json
import sys

from tensorboard.backend.event_processing import event_accumulator


def main() -> int:
    if len(sys.argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    acc = event_accumulator.EventAccumulator(
        sys.argv[1], size_guidance={event_accumulator.SCALARS: 0}
    )
    acc.Reload()
    scalars = {
        tag: [[e.step, e.value, e.wall_time] for e in acc.Scalars(tag)]
        for tag in acc.Tags()[event_accumulator.SCALARS]
    }
    out = {"file_version": acc.file_version, "scalars": scalars}
    json.dump(out, sys.stdout, sort_keys=True)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
