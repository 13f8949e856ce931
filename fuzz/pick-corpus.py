#!/usr/bin/env python3
"""Chooses the regression corpus of one fuzz target: at most MAX_FILES files and MAX_BYTES bytes
that cover the most coverage features, from libFuzzer's merge control file.

    fuzz/pick-corpus.py TARGET_BINARY MAX_LEN OUT_DIR IN_DIR...

Runs `TARGET_BINARY -merge=1 -merge_control_file=...` over the IN_DIRs (what `cargo fuzz cmin`
runs). The merge takes the inputs smallest first and credits each feature to the first input that
has it; the inputs it credits with any form the minimised corpus. OUT_DIR (emptied first) gets
the inputs named `crash-*`, always, then, while the limits allow, the input credited with the
most features not yet covered (a 4 KiB input counting as half of one). Named inputs keep their
name; the others are named by the SHA-1 of their content, as libFuzzer names them."""
import hashlib, os, shutil, subprocess, sys, tempfile

MAX_FILES = 200
MAX_BYTES = 1_000_000


def is_hash(name):
    return len(name) == 40 and all(c in "0123456789abcdef" for c in name)


def main():
    binary, max_len, out_dir, in_dirs = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4:]
    work = tempfile.mkdtemp(prefix="pick-corpus-")
    union, names, seen = os.path.join(work, "in"), {}, set()
    os.makedirs(union)
    for d in in_dirs:
        for f in sorted(os.listdir(d)):
            data = open(os.path.join(d, f), "rb").read()
            digest = hashlib.sha1(data).hexdigest()
            # Named inputs (seeds, crash files) keep their name, also when the live corpus holds a
            # copy; libFuzzer's own inputs are named by their content's hash.
            if not is_hash(f) and is_hash(names.get(digest, digest)):
                names[digest] = f
            if digest in seen:
                continue
            seen.add(digest)
            names.setdefault(digest, digest)
            with open(os.path.join(union, digest), "wb") as out:
                out.write(data)
    merged, control = os.path.join(work, "merged"), os.path.join(work, "control")
    os.makedirs(merged)
    subprocess.run([binary, "-merge=1", f"-merge_control_file={control}", f"-max_len={max_len}",
                    merged, union], check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    lines = open(control).read().split("\n")
    count = int(lines[0])
    files = lines[2:2 + count]
    features, sizes = {}, {}
    for line in lines[2 + count:]:
        parts = line.split()
        if parts and parts[0] == "FT":
            features[int(parts[1])] = set(map(int, parts[2:]))
    for i, path in enumerate(files):
        sizes[i] = os.path.getsize(path)
    chosen, covered, total = [], set(), 0
    for i, path in enumerate(files):
        if names[os.path.basename(path)].startswith("crash-"):
            chosen.append(i)
            covered |= features.get(i, set())
            total += sizes[i]
    while len(chosen) < MAX_FILES:
        best, best_score = None, 0.0
        for i, fts in features.items():
            if i in chosen or total + sizes[i] > MAX_BYTES:
                continue
            gain = len(fts - covered)
            # Features first; size only breaks near-ties, a 4 KiB input counting as half of one.
            score = gain / (1 + sizes[i] / 4096)
            if gain and score > best_score:
                best, best_score = i, score
        if best is None:
            break
        chosen.append(best)
        covered |= features[best]
        total += sizes[best]
    all_features = set().union(*features.values()) if features else set()
    shutil.rmtree(out_dir, ignore_errors=True)
    os.makedirs(out_dir)
    for i in chosen:
        digest = os.path.basename(files[i])
        shutil.copy(files[i], os.path.join(out_dir, names[digest]))
    print(f"{len(files)} inputs, {len(os.listdir(merged))} after merge; kept {len(chosen)} "
          f"({total} bytes) covering {len(covered)} of {len(all_features)} features")
    shutil.rmtree(work)


if __name__ == "__main__":
    main()
