"""CONTRACT §2 "All or nothing": the out folder appears complete or not at all."""
import os

from flows import outfolder


def _tree(path):
    return {p.relative_to(path).as_posix(): p.read_bytes() for p in path.rglob("*") if p.is_file()}


def _stage(out, files):
    staging = outfolder.prepare(out)
    for name, data in files.items():
        (staging / name).parent.mkdir(parents=True, exist_ok=True)
        (staging / name).write_bytes(data)
    return staging


def test_a_new_out_folder_appears_whole(tmp_path):
    out = tmp_path / "2025-06-30"
    staging = _stage(out, {"lists/a.csv": b"a\n", "manifest.json": b"{}"})
    assert not out.exists() and staging.name == f".2025-06-30.partial-{os.getpid()}"
    outfolder.publish(staging, out)
    assert _tree(out) == {"lists/a.csv": b"a\n", "manifest.json": b"{}"}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["2025-06-30"]


def test_an_earlier_out_folder_is_replaced_in_one_step(tmp_path):
    out = tmp_path / "out"
    outfolder.publish(_stage(out, {"old.csv": b"old"}), out)
    seen = []
    outfolder.publish(_stage(out, {"new.csv": b"new"}), out, seen.append)
    assert _tree(out) == {"new.csv": b"new"}
    assert seen in (["swapped"], ["moved_aside"])
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]


def test_leftovers_of_a_killed_run_are_cleaned_by_the_next(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    (out / "manifest.json").write_text("{}")
    dead = 2 ** 22 + 12345  # above pid_max of a default kernel: never alive
    (tmp_path / f".out.partial-{dead}").mkdir()
    (tmp_path / f".out.partial-{dead}" / "half.csv").write_text("x")
    (tmp_path / f".out.previous-{dead}").mkdir()
    (tmp_path / ".other.partial-1").mkdir()  # another out folder's: not touched
    done = outfolder.clean_leftovers(out)
    assert len(done) == 2
    assert sorted(p.name for p in tmp_path.iterdir()) == [".other.partial-1", "out"]


def test_a_run_killed_between_its_two_renames_gets_the_previous_folder_back(tmp_path):
    out = tmp_path / "out"
    dead = 2 ** 22 + 12345
    previous = tmp_path / f".out.previous-{dead}"
    previous.mkdir()
    (previous / "manifest.json").write_text("{}")
    outfolder.clean_leftovers(out)
    assert (out / "manifest.json").read_text() == "{}" and not previous.exists()


def test_the_shard_scratch_of_a_killed_sharded_run_is_removed(tmp_path):
    """--executor dask: tasks exchange parquet in .<out>.shards-<pid> beside the out
    folder; a run killed meanwhile leaves it, the next run on that out folder removes it."""
    import subprocess
    import sys

    from flows.outfolder import prepare

    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True, check=True).stdout.strip()
    scratch = tmp_path / f".out.shards-{dead}"
    (scratch / "match" / "in").mkdir(parents=True)
    (scratch / "match" / "in" / "x.parquet").write_bytes(b"PAR1")
    prepare(tmp_path / "out")
    assert not scratch.exists()
