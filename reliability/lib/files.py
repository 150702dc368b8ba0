"""Scratch directories and the trees the cases plant in them.

Trees here may be far deeper than PATH_MAX allows an absolute path to name (100,000 levels of
"d/" is 200,000 characters) and deeper than any recursion: they are built and removed iteratively,
relative to one open directory descriptor at a time.
"""
import os
import subprocess
import time

DIR_FLAGS = os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW


def fresh_dir(path):
    if os.path.exists(path):
        subprocess.run(["chattr", "-R", "-i", path], capture_output=True)
        remove_tree(path)
    os.makedirs(path)
    return path


def age(path, hours):
    """Sets the entry's times (not a link's target's) to that many hours ago."""
    t = time.time() - hours * 3600
    os.utime(path, (t, t), follow_symlinks=False)


def remove_tree(path):
    """Removes path and everything below it, however deep or wide, never following a link.

    Walks down to a directory with no subdirectory, empties it, steps up through "..", removes it,
    and starts again from there: one descriptor open at a time, and the names on the way down as
    the only memory that grows with depth. shutil.rmtree recurses and stops near 1,000 levels.
    """
    if not os.path.lexists(path):
        return
    if os.path.islink(path) or not os.path.isdir(path):
        os.unlink(path)
        return
    fd = os.open(path, DIR_FLAGS)
    names = []  # the directories entered below path, outermost first
    try:
        while True:
            sub = None
            with os.scandir(fd) as entries:
                for entry in entries:
                    if entry.is_dir(follow_symlinks=False):
                        sub = entry.name
                        break
                    os.unlink(entry.name, dir_fd=fd)
            if sub is not None:
                child = os.open(sub, DIR_FLAGS, dir_fd=fd)
                os.close(fd)
                fd, child = child, None
                names.append(sub)
                continue
            with os.scandir(fd) as entries:
                if next(entries, None) is not None:
                    continue  # entries listed while unlinking can be missed: list again
            if not names:
                break
            parent = os.open("..", DIR_FLAGS, dir_fd=fd)
            os.close(fd)
            fd = parent
            os.rmdir(names.pop(), dir_fd=fd)
    finally:
        os.close(fd)
    os.rmdir(path)


def make_deep_tree(top, depth, name="d"):
    """Creates top/name/name/... depth levels deep, with a small file at the bottom (what a hostile
    archive unpacks to). Returns the number of entries created."""
    os.makedirs(top, exist_ok=True)
    fd = os.open(top, DIR_FLAGS)
    try:
        for _ in range(depth):
            os.mkdir(name, dir_fd=fd)
            child = os.open(name, DIR_FLAGS, dir_fd=fd)
            os.close(fd)
            fd = child
        bottom = os.open("bottom.txt", os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644, dir_fd=fd)
        os.write(bottom, b"the bottom\n")
        os.close(bottom)
    finally:
        os.close(fd)
    return depth + 1


def make_wide_tree(top, entries, per_dir=1000):
    """Creates about `entries` entries below top: directories of per_dir empty files each."""
    os.makedirs(top, exist_ok=True)
    created = 0
    d = 0
    while created < entries:
        sub = os.path.join(top, f"w{d:06d}")
        os.mkdir(sub)
        created += 1
        fd = os.open(sub, DIR_FLAGS)
        try:
            for i in range(min(per_dir, entries - created)):
                os.close(os.open(f"f{i:05d}", os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644,
                                 dir_fd=fd))
                created += 1
        finally:
            os.close(fd)
        d += 1
    return created


def tree_depth(top, limit=None):
    """How many levels of subdirectories top has along its first branch (0: none or gone)."""
    if not os.path.isdir(top) or os.path.islink(top):
        return 0
    fd = os.open(top, DIR_FLAGS)
    depth = 0
    try:
        while limit is None or depth < limit:
            sub = None
            with os.scandir(fd) as entries:
                for entry in entries:
                    if entry.is_dir(follow_symlinks=False):
                        sub = entry.name
                        break
            if sub is None:
                break
            child = os.open(sub, DIR_FLAGS, dir_fd=fd)
            os.close(fd)
            fd = child
            depth += 1
    finally:
        os.close(fd)
    return depth
