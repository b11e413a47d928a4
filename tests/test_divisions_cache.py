"""The registry tree is cached on disk: a second process reads the same tree, a damaged cache is rebuilt."""

import pytest

from extractor import divisions


@pytest.fixture
def fresh(tmp_path, monkeypatch):
    monkeypatch.setenv("BULLETIN_CACHE_DIR", str(tmp_path))
    divisions._load.cache_clear()
    yield tmp_path
    divisions._load.cache_clear()


def test_cache_is_written_and_read_back_the_same(fresh):
    built = divisions._load()
    files = list(fresh.glob("divisions-*.pickle"))
    assert len(files) == 1
    divisions._load.cache_clear()
    assert divisions._load() == built
    # 宁国市 (安徽省宣城市) has 西津街道 among its townships in the registry; villages are dropped
    county = built["安徽省"]["宣城市"]["宁国市"]
    assert "西津街道" in county and county["西津街道"] == {}


def test_damaged_cache_is_rebuilt(fresh):
    built = divisions._load()
    (cache,) = fresh.glob("divisions-*.pickle")
    cache.write_bytes(b"not a pickle")
    divisions._load.cache_clear()
    assert divisions._load() == built
