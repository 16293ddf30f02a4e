#!/usr/bin/env python3
"""plant.py DEFECT.zoo SOURCE OUT: write SOURCE with the defect DEFECT.zoo describes planted.

A .zoo file says what one planted defect is, then pairs of text blocks:
each "find:" block must occur exactly once in SOURCE and is replaced by the
"replace:" block after it. Lines before the first block are comments. A
block is every line up to the next "find:" or "replace:" line, tabs kept.
When SOURCE changes so that a block no longer occurs once, planting fails:
the zoo never tests a defect it did not plant.
"""
import sys


def read_pairs(path):
    pairs, key, block = [], None, []
    with open(path, encoding="utf-8") as f:
        for line in f:
            if line.rstrip("\n") in ("find:", "replace:"):
                if key:
                    pairs.append((key, "".join(block)))
                key, block = line.strip().rstrip(":"), []
            elif key:
                block.append(line)
    if key:
        pairs.append((key, "".join(block)))
    if not pairs or len(pairs) % 2 or any(k != ("find" if i % 2 == 0 else "replace")
                                           for i, (k, _) in enumerate(pairs)):
        sys.exit(f"{path}: expected find:/replace: pairs")
    return [(pairs[i][1], pairs[i + 1][1]) for i in range(0, len(pairs), 2)]


def main():
    if len(sys.argv) != 4:
        sys.exit(__doc__)
    defect, source, out = sys.argv[1:]
    text = open(source, encoding="utf-8").read()
    for find, replace in read_pairs(defect):
        if text.count(find) != 1:
            sys.exit(f"{defect}: a find block occurs {text.count(find)} times in {source}, not once")
        text = text.replace(find, replace)
    with open(out, "w", encoding="utf-8") as f:
        f.write(text)


main()
