#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Prints the README's maple tree table from one `make bench` run's results.jsonl.

Usage: scripts/bench_maple_table.py [build/bench/results.jsonl]

Each cell is "mmlab / baseline (ratio)", ratio > 1 when mmlab is faster, for the rows of
bench_maple (bench/bench_maple.c) at every tree size it ran; a row whose baseline did not run
(Linux's maple tree without the kernel source) is left out.
"""
import json
import sys

SIZES = (16, 256, 4096, 65536)

# (label, baseline label, case prefix, baseline name)
ROWS = (
    ("lookup, find_vma under mmap_lock (`__mt_find`)", "plain RB tree", "lookup", "rbtree"),
    ("lookup with its own RCU read lock (`mt_find`)", "plain RB tree", "lookup_rcu", "rbtree"),
    ("", "Linux's maple tree", "lookup_rcu_vs_linux", "linux_maple"),
    ("gap search, top-down, 1 page, below a random address", "Linux's maple tree",
     "gap_topdown_1page", "linux_maple"),
    ("", "augmented RB tree", "gap_topdown_1page_vs_rbtree_aug", "rbtree_aug"),
    ("gap search below the top of the mapped span (get_unmapped_area under mmap_base)",
     "Linux's maple tree", "gap_topdown_1page_top", "linux_maple"),
    ("", "augmented RB tree", "gap_topdown_1page_top_vs_rbtree_aug", "rbtree_aug"),
    ("gap search below a random address, after the store and erase runs", "Linux's maple tree",
     "gap_topdown_1page_churned", "linux_maple"),
    ("", "augmented RB tree", "gap_topdown_1page_churned_vs_rbtree_aug", "rbtree_aug"),
    ("split + fill store (per store)", "augmented RB tree", "split_fill_store_vs_rbtree_aug",
     "rbtree_aug"),
    ("", "Linux's maple tree, batched frees", "split_fill_store_vs_linux", "linux_maple"),
    ("", "Linux's maple tree, call_rcu per node", "split_fill_store_vs_linux_call_rcu",
     "linux_maple_call_rcu"),
    ("", "plain RB tree (reference)", "split_fill_store", "rbtree"),
    ("erase", "augmented RB tree", "erase_vs_rbtree_aug", "rbtree_aug"),
    ("", "Linux's maple tree, batched frees", "erase_vs_linux", "linux_maple"),
    ("", "Linux's maple tree, call_rcu per node", "erase_vs_linux_call_rcu",
     "linux_maple_call_rcu"),
    ("", "plain RB tree (reference)", "erase", "rbtree"),
    ("iteration, per entry", "Linux's maple tree", "iterate", "linux_maple"),
    ("duplicate whole tree (µs)", "Linux's maple tree, batched frees", "dup", "linux_maple"),
    ("", "Linux's maple tree, call_rcu per node", "dup_vs_linux_call_rcu",
     "linux_maple_call_rcu"),
    ("bytes per VMA after the store and erase runs", "plain RB tree node", "bytes_per_range",
     "rbtree"),
)


def fmt(v):
    if v >= 1000:
        return f"{v:,.0f}".replace(",", " ")
    return f"{v:.1f}"


def main():
    path = sys.argv[1] if len(sys.argv) > 1 else "build/bench/results.jsonl"
    figs = {}
    with open(path) as f:
        for line in f:
            r = json.loads(line)
            if r["bench"] == "maple":
                figs[(r["case"], r["baseline"])] = r
    print("| case | baseline | " + " | ".join(f"{n:,}".replace(",", " ") for n in SIZES) + " |")
    print("| --- | --- |" + " --- |" * len(SIZES))
    for label, base_label, case, base in ROWS:
        cells = []
        for n in SIZES:
            r = figs.get((f"{case}_{n}", base))
            if not r:
                break
            cells.append(f"{fmt(r['value'])} / {fmt(r['baseline_value'])} ({r['ratio']:.2f})")
        if len(cells) == len(SIZES):
            print(f"| {label} | {base_label} | " + " | ".join(cells) + " |")
    heights = []
    for n in SIZES:
        h, c = figs.get((f"height_{n}", None)), figs.get((f"height_churned_{n}", None))
        if not h or not c:
            return
        heights.append(f"{h['value']:.0f} / {c['value']:.0f}")
    print("| height as built / after the store and erase runs | | " + " | ".join(heights) + " |")


if __name__ == "__main__":
    main()
