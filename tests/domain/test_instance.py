"""Tests that an instance's copies answer from their own tables, never from the original's."""

from __future__ import annotations

from staffing.manifest import instance_hash
from staffing.synth import generate


def test_a_changed_copy_recomputes_derived_data() -> None:
    """Tests that a copy with changed tables has fresh cached properties and hash."""
    original = generate(staff=30, seed=1)
    before = instance_hash(original)
    _ = original.post_by_id
    renamed = [post.model_copy(update={"name": post.name + " (new)"}) for post in original.posts]
    copy = original.model_copy(update={"posts": renamed})
    assert instance_hash(copy) != before
    assert all(copy.post_by_id[p.id].name.endswith(" (new)") for p in renamed)
    assert instance_hash(original) == before
    assert not original.post_by_id[renamed[0].id].name.endswith(" (new)")


def test_a_copy_does_not_write_into_the_original_cache() -> None:
    """Tests that derived data cached on a copy stays out of the original's cache."""
    original = generate(staff=30, seed=1)
    assert original.cached("probe", lambda: "original") == "original"
    copy = original.model_copy(update={"extras": {"note": ["changed"]}})
    assert copy.cached("probe", lambda: "copy") == "copy"
    copy.cached("only on the copy", lambda: 1)
    assert original.cached("only on the copy", lambda: 2) == 2


def test_large_cached_arrays_are_released_and_rebuilt_on_demand() -> None:
    """Tests that release_large drops only the cached arrays of at least the given size,
    says how many bytes it released, and that a released one is rebuilt when asked for."""
    import numpy as np

    instance = generate(staff=30, seed=1)
    builds: list[str] = []

    def build(name: str, size: int) -> np.ndarray:
        builds.append(name)
        return np.zeros(size, dtype=bool)

    big = instance.cached("big", lambda: build("big", 4096))
    small = instance.cached("small", lambda: build("small", 16))
    instance.cached("not an array", lambda: "kept")
    assert instance.release_large(1024) == big.nbytes
    assert instance.cached("small", lambda: build("small", 16)) is small
    assert instance.cached("not an array", lambda: "rebuilt") == "kept"
    assert instance.cached("big", lambda: build("big", 4096)) is not big
    assert builds == ["big", "small", "big"]
    assert instance.release_large(1 << 30) == 0
