import os

from PIL import Image

from photoclip.core import images
from photoclip.core.thumbnail_cache import cache_size, prune


def test_the_oldest_thumbnails_go_first_when_the_cache_is_full(tmp_path):
    paths = []
    for i in range(10):
        noise = Image.effect_noise((400, 300), 60 + i).convert("RGB")
        path = images.write_thumbnail(tmp_path, f"{i:02d}" + "f" * 30, noise)
        os.utime(path, (1000 + i, 1000 + i))
        paths.append(path)
    total, files = cache_size(tmp_path)
    assert files == 10
    removed = prune(tmp_path, total // 2)
    assert removed >= 5
    assert not any(p.exists() for p in paths[:5]) and paths[-1].exists()
    assert cache_size(tmp_path)[0] <= total // 2
    assert prune(tmp_path, total) == 0
