"""The small model's training: the picture-to-picture term rewards pictures of the same thing lying
together, and the shipped model is what the training script's defaults make."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

torch = pytest.importorskip("torch")

from photoclip.smallclip import train  # noqa: E402

MODEL = Path(__file__).resolve().parents[1] / "resources" / "models" / "photoclip-tiny"


def _features(rows: list[list[float]]) -> torch.Tensor:
    return torch.nn.functional.normalize(torch.tensor(rows, requires_grad=False), dim=-1)


def test_pictures_of_the_same_thing_lying_together_cost_less_than_lying_apart():
    colours = ["red", "red", "blue", "blue", "red", "blue"]
    kinds = ["star", "star", "star", "star", "circle", "circle"]
    together = _features([[1, 0, 0], [1, 0, 0], [0, 1, 0], [0, 1, 0], [0.5, 0, 0.8], [0, 0.5, 0.8]])
    # The same vectors given to other pictures: each red star now lies with a blue one.
    apart = together[[0, 2, 1, 3, 4, 5]]
    assert train.similar_pictures_loss(together, colours, kinds) < train.similar_pictures_loss(apart, colours, kinds)


def test_sharing_the_shape_counts_for_something_and_the_whole_class_for_more():
    colours, kinds = ["red", "red", "blue", "green"], ["star", "star", "star", "circle"]
    base = [[1.0, 0.0, 0.0], [1.0, 0.0, 0.0]]
    blue_star_near = _features([*base, [0.8, 0.6, 0], [0, 0, 1]])
    circle_near = _features([*base, [0, 0, 1], [0.8, 0.6, 0]])
    assert train.similar_pictures_loss(blue_star_near, colours, kinds) < train.similar_pictures_loss(
        circle_near, colours, kinds
    )


def test_pictures_without_a_main_object_anchor_nothing_and_break_nothing():
    features = torch.nn.functional.normalize(torch.randn(4, 8), dim=-1).requires_grad_(True)
    loss = train.similar_pictures_loss(features, [None, None, "red", "blue"], [None, None, "star", "ring"])
    assert float(loss.detach()) == 0.0
    loss.backward()
    assert torch.isfinite(features.grad).all()
    mixed = torch.nn.functional.normalize(torch.randn(5, 8), dim=-1).requires_grad_(True)
    colours, kinds = ["red", None, "red", "blue", "red"], ["star", None, "star", "ring", "ring"]
    loss = train.similar_pictures_loss(mixed, colours, kinds)
    loss.backward()
    assert torch.isfinite(loss) and torch.isfinite(mixed.grad).all()


def test_the_shipped_model_is_what_the_training_scripts_defaults_make():
    summary = json.loads((MODEL / "training.json").read_text())
    defaults = vars(train.argument_parser().parse_args([]))
    for key in ("steps", "seed", "pool", "batch", "lr", "init", "image_weight"):
        assert summary[key] == defaults[key], key
    assert (summary["scene_share"], summary["image_partial"]) == (train.SCENE_SHARE, train.IMAGE_PARTIAL)
    second = summary["finetune"]
    assert second["steps"] == defaults["finetune_steps"] and second["seed"] == defaults["seed"] + 1
    assert (second["pool"], second["lr"]) == (train.FINETUNE_POOL, train.FINETUNE_LR)
    assert (second["scene_share"], second["image_partial"]) == (train.FINETUNE_SCENE_SHARE, 0.0)
    assert second["val_zero_shot_accuracy"] >= 0.9
    third = summary["sharpen"]
    assert third["steps"] == defaults["sharpen_steps"] and third["seed"] == defaults["seed"] + 72
    assert (third["pool"], third["lr"], third["size"]) == (train.SHARPEN_POOL, train.SHARPEN_LR, train.IMAGE_SIZE)
    assert (third["scene_share"], third["image_partial"]) == (train.FINETUNE_SCENE_SHARE, 0.0)
    assert third["val_zero_shot_accuracy"] >= 0.9
    # the shipped graphs and the app read pictures at the size the last stage trained at
    config = json.loads((MODEL / "open_clip_config.json").read_text())
    assert config["model_cfg"]["vision_cfg"]["image_size"] == train.IMAGE_SIZE


def test_the_second_stage_counts_only_pictures_of_the_same_thing_alike():
    """The fine-tuning stage gives no credit for a shared shape alone: a blue star near a red one
    costs what a green circle there does."""
    colours, kinds = ["red", "red", "blue", "green"], ["star", "star", "star", "circle"]
    base = [[1.0, 0.0, 0.0], [1.0, 0.0, 0.0]]
    blue_star_near = _features([*base, [0.8, 0.6, 0], [0, 0, 1]])
    circle_near = _features([*base, [0, 0, 1], [0.8, 0.6, 0]])
    assert float(train.similar_pictures_loss(blue_star_near, colours, kinds, partial=0.0)) == pytest.approx(
        float(train.similar_pictures_loss(circle_near, colours, kinds, partial=0.0))
    )
