"""Scratch directories."""
import os
import shutil
import subprocess


def fresh_dir(path):
    if os.path.exists(path):
        subprocess.run(["chattr", "-R", "-i", path], capture_output=True)
        shutil.rmtree(path)
    os.makedirs(path)
    return path
