"""Trains photoclip's own small CLIP model on generated shape pictures.

    python -m photoclip.smallclip.train [--steps 8000] [--finetune-steps 4000] [--sharpen-steps 2500] [--out DIR]

The model is an ordinary open_clip ``CLIP`` built from a config (a tiny timm ResNet image tower
and a small text transformer), uses the real CLIP BPE tokenizer and is trained with open_clip's own
contrastive ``ClipLoss``. So it goes through exactly the code paths a downloaded model does, while
being small enough (about 10 MB in fp16) to ship in ``resources/`` and fast enough for tests.

Every random choice comes from fixed seeds and the schedule is a fixed number of steps, so a run
with the defaults makes the shipped model again (up to floating-point differences between CPUs). It
writes ``training.json`` beside the weights with the settings, how long it ran on this project's
2-core build machine and the accuracy it reached on pictures it never saw. Three in five pictures
are single upright shapes (:mod:`shapes`), two in five are scenes (:mod:`scenes`: textures, turned
and small objects, clutter), so the model keeps its footing on pictures that do not look like its
lessons; one caption in seven names only the colour or only the shape (``shapes.part_of``).
Beside CLIP's picture-to-caption loss a picture-to-picture term (:func:`similar_pictures_loss`)
teaches that two pictures of the same thing are alike, which "find similar" and image queries need.
A second stage (``FINETUNE_*``) goes on from the first on fresh pictures, seven in ten of them
scenes, rewarding only pictures of the same colour *and* shape as alike. A third (``SHARPEN_*``)
does the same at the shipped input size, 128 pixels where the first two saw 96.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import math
import random
import time
from pathlib import Path

import numpy as np

from photoclip.smallclip import shapes
from photoclip.smallclip.training_pictures import VOCABULARY_FILE, build_pool, caption_vocabulary, describe, sample

MODEL_NAME = "photoclip-tiny"
#: The shipped model's input size. The first two stages train at EARLY_SIZE, a little under half the
#: pixels, and the last stage at this size: the tower is convolutions and a global max, so what it
#: learnt at 96 carries over, and a small shape on a busy background keeps more of its outline.
IMAGE_SIZE = 128
EARLY_SIZE = 96

#: The open_clip config written beside the weights (the ``local-dir:`` layout the Hub uses too).
OPEN_CLIP_CONFIG: dict = {
    "model_cfg": {
        "embed_dim": 128,
        # timm's tiny ResNet (0.4 M parameters) with global max pooling: a shape anywhere in the
        # picture lights up the same features. open_clip's own ModifiedResNet and ViT towers of this
        # size sat at chance on shape for hundreds of steps; this one learns it within a few hundred.
        "vision_cfg": {
            "image_size": IMAGE_SIZE,
            "timm_model_name": "test_resnet",
            "timm_model_pretrained": False,
            "timm_pool": "max",
            "timm_proj": "linear",
        },
        "text_cfg": {
            "context_length": 32,
            "vocab_size": 49408,
            "width": 64,
            "heads": 2,
            "layers": 4,
            "mlp_ratio": 2.0,
        },
    },
    # Squash keeps a shape in a corner of a 2:1 picture in view; a centre crop would cut it off.
    "preprocess_cfg": {
        "mean": [0.48145466, 0.4578275, 0.40821073],
        "std": [0.26862954, 0.26130258, 0.27577711],
        "interpolation": "bicubic",
        "resize_mode": "squash",
    },
}


#: The share of training pictures drawn as scenes (textured backgrounds, turned and small objects,
#: clutter around them; photoclip.smallclip.scenes) rather than one upright shape.
SCENE_SHARE = 0.4

#: How much the picture-to-picture term weighs beside CLIP's picture-to-caption loss, its fixed
#: temperature (as scale), and the credit a pair gets for sharing only the colour or only the shape.
#: CLIP's loss alone counts two red stars in one batch as a wrong pair, so "find similar" grouped by
#: colour more than by what a picture shows (an image query's best cut-off in hindsight: F1 0.86).
IMAGE_WEIGHT = 1.0
IMAGE_SCALE = 14.0
IMAGE_PARTIAL = 0.3

#: The second stage goes on from the first on fresh pictures, at a quarter of its learning rate,
#: with more scenes and no credit for a shared colour or shape alone: what an image query on a busy
#: picture needs is its own colour *and* shape, not the photos that share one of them. With every
#: scene photo asked as an image query (two libraries, seeds 7070 and 8080) it raised the best
#: cut-off in hindsight from 0.951 / 0.926 to 0.976 / 0.952, and the default cut-off's F1 from
#: 0.902 / 0.876 to 0.933 / 0.911; 800 steps with the first stage's settings instead lowered both.
FINETUNE_STEPS = 4000
FINETUNE_POOL = 60_000
FINETUNE_LR = 5e-4
FINETUNE_SCENE_SHARE = 0.7
FINETUNE_IMAGE_PARTIAL = 0.0
FINETUNE_PICTURES = (FINETUNE_SCENE_SHARE, FINETUNE_IMAGE_PARTIAL)  # and the third stage's

#: The third stage goes on from the second at the shipped input size (IMAGE_SIZE), with the second's
#: pictures and rewards at a lower learning rate: at 96 pixels a small triangle on a checked
#: background looked like the checks, and "photo.jpg + white" for such a picture listed white photos
#: of the wrong shape (the figures are in the README).
SHARPEN_STEPS = 2500
SHARPEN_POOL = 37_500
SHARPEN_LR = 3e-4


def similar_pictures_loss(  # noqa: ANN201
    features,  # noqa: ANN001
    colours: list[str | None],
    kinds: list[str | None],
    partial: float = IMAGE_PARTIAL,
):
    """Cross-entropy of each picture's softmax over the other pictures of the batch against how much
    they have in common: full credit for the same colour and shape, ``partial`` for one of the
    two, none otherwise; each picture's credits are shared out to sum to one, so a picture whose only
    partner shares just its colour is pulled to it as to a true match (about 2% of a batch of 128).
    Pictures without a main object have nothing in common and anchor nothing."""
    import torch

    n = len(colours)

    def same(names: list[str | None]) -> torch.Tensor:
        ids = {name: i for i, name in enumerate(sorted({str(name) for name in names}))}
        column = torch.tensor([ids[str(name)] for name in names])
        return (column[:, None] == column[None, :]).float()

    same_colour, same_kind = same(colours), same(kinds)
    has_object = torch.tensor([c is not None and k is not None for c, k in zip(colours, kinds, strict=True)])
    target = same_colour * same_kind + partial * (same_colour + same_kind - 2 * same_colour * same_kind)
    target = target * (has_object[:, None] & has_object[None, :]).float()
    eye = torch.eye(n, dtype=torch.bool)
    target = target.masked_fill(eye, 0.0)
    anchors = target.sum(1) > 0
    if not anchors.any():
        return features.sum() * 0.0
    logits = (features @ features.T * IMAGE_SCALE).masked_fill(eye, float("-inf"))
    log_p = torch.log_softmax(logits, dim=1).masked_fill(eye, 0.0)
    target = target[anchors] / target[anchors].sum(1, keepdim=True)
    return -(target * log_p[anchors]).sum(1).mean()


def zero_shot_accuracy(model, tokenizer, pixels, specs, normalise) -> float:  # noqa: ANN001
    """Top-1 accuracy over the 32 colour+shape classes with two prompt templates averaged."""
    import torch

    templates = ("a {}", "a photo of a {}")
    with torch.inference_mode():
        prompts = [t.format(f"{c} {s}") for c, s in shapes.CLASSES for t in templates]
        text = model.encode_text(tokenizer(prompts))
        text = torch.nn.functional.normalize(text, dim=-1).view(len(shapes.CLASSES), len(templates), -1)
        classes = torch.nn.functional.normalize(text.mean(1), dim=-1)
        correct = 0
        for start in range(0, len(specs), 512):
            batch = normalise(pixels[start : start + 512])
            image = torch.nn.functional.normalize(model.encode_image(batch), dim=-1)
            predicted = (image @ classes.T).argmax(1).tolist()
            for p, spec in zip(predicted, specs[start : start + 512], strict=True):
                correct += shapes.CLASSES[p] == (spec.colour, spec.shape)
    return correct / len(specs)


@dataclasses.dataclass(frozen=True)
class Stage:
    """One stage of training: how long, on which pictures, how fast, and what it rewards."""

    steps: int
    pool: int  # pictures rendered once for the stage, recaptioned each epoch
    seed: int
    lr: float
    scene_share: float
    image_partial: float
    size: int = EARLY_SIZE  # the pictures' side in pixels

    def settings(self) -> dict:
        """The stage as written to ``training.json``."""
        return dataclasses.asdict(self)


def train(args: argparse.Namespace) -> dict:
    """Runs the whole training (the first stage, then the fine-tuning stage unless
    ``--finetune-steps 0``); returns the summary that is written to ``training.json``."""
    import open_clip
    import torch

    torch.manual_seed(args.seed)
    torch.set_num_threads(args.threads)
    started = time.time()
    cfg = OPEN_CLIP_CONFIG["model_cfg"]
    model = open_clip.model.CLIP(**cfg)
    if args.init is not None:  # go on from a trained model instead of random weights
        from safetensors.torch import load_file

        weights = load_file(str(Path(args.init) / "open_clip_model.safetensors"))
        model.load_state_dict({k: v.float() for k, v in weights.items()})
    tokenizer = open_clip.tokenizer.SimpleTokenizer(context_length=cfg["text_cfg"]["context_length"])
    first = Stage(args.steps, args.pool, args.seed, args.lr, SCENE_SHARE, IMAGE_PARTIAL)
    summary = {
        "model": MODEL_NAME,
        **first.settings(),
        "batch": args.batch,
        "init": None if args.init is None else Path(args.init).name,
        "image_weight": args.image_weight,
        "threads": args.threads,
    }
    history, accuracy = _run_stage(model, tokenizer, first, args)
    summary.update(
        samples_seen=args.steps * args.batch,
        minutes=round((time.time() - started) / 60, 1),
        val_zero_shot_accuracy=round(accuracy, 4),
        history=history,
    )
    later = (
        ("finetune", Stage(args.finetune_steps, FINETUNE_POOL, args.seed + 1, FINETUNE_LR, *FINETUNE_PICTURES)),
        (
            "sharpen",
            Stage(args.sharpen_steps, SHARPEN_POOL, args.seed + 72, SHARPEN_LR, *FINETUNE_PICTURES, size=IMAGE_SIZE),
        ),
    )
    for key, stage in later:
        if stage.steps <= 0:
            continue
        # Go on from the weights as they are shipped (fp16), as the shipped model's later stages did,
        # from a fixed start of torch's generator whether or not an earlier stage ran in this process.
        model.load_state_dict({k: v.half().float() for k, v in model.state_dict().items()})
        torch.manual_seed(stage.seed)
        stage_started = time.time()
        history, accuracy = _run_stage(model, tokenizer, stage, args)
        summary[key] = {
            **stage.settings(),
            "minutes": round((time.time() - stage_started) / 60, 1),
            "val_zero_shot_accuracy": round(accuracy, 4),
            "history": history,
        }
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    from safetensors.torch import save_file

    state = {k: v.detach().to(torch.float16).contiguous() for k, v in model.state_dict().items()}
    save_file(state, str(out / "open_clip_model.safetensors"), metadata={"format": "pt"})
    (out / "open_clip_config.json").write_text(json.dumps(OPEN_CLIP_CONFIG, indent=2) + "\n")
    (out / "training.json").write_text(json.dumps(summary, indent=2) + "\n")
    # every word its captions use: a search then knows which words the model never learnt
    (out / VOCABULARY_FILE).write_text("\n".join(caption_vocabulary()) + "\n")
    return summary


def _run_stage(model, tokenizer, stage: Stage, args: argparse.Namespace) -> tuple[list[dict], float]:  # noqa: ANN001
    """Trains ``model`` through one stage; returns its log and the held-out zero-shot accuracy at its end."""
    import open_clip
    import torch

    started = time.time()
    print(f"rendering {stage.pool} training pictures ...", flush=True)
    pixels, specs = build_pool(stage.pool, stage.seed, args.workers, stage.size, stage.scene_share)
    val_rng = random.Random(stage.seed + 1)
    val = [(sample(val_rng.getrandbits(48), stage.size, stage.scene_share)) for _ in range(2000)]
    val = [(a, s) for a, s in val if s.colour in shapes.COLOURS and s.shape is not None]
    val_pixels = np.stack([a for a, _ in val])
    val_specs = [s for _, s in val]
    print(f"  done in {time.time() - started:.0f} s", flush=True)

    mean = torch.tensor(OPEN_CLIP_CONFIG["preprocess_cfg"]["mean"]).view(1, 3, 1, 1)
    std = torch.tensor(OPEN_CLIP_CONFIG["preprocess_cfg"]["std"]).view(1, 3, 1, 1)

    def normalise(batch: np.ndarray) -> torch.Tensor:
        return (torch.from_numpy(batch).permute(0, 3, 1, 2).float() / 255.0 - mean) / std

    decay = [p for n, p in model.named_parameters() if p.ndim >= 2 and "embedding" not in n]
    no_decay = [p for n, p in model.named_parameters() if not (p.ndim >= 2 and "embedding" not in n)]
    optimiser = torch.optim.AdamW(
        [{"params": decay, "weight_decay": 0.1}, {"params": no_decay, "weight_decay": 0.0}],
        lr=stage.lr,
        betas=(0.9, 0.98),
        eps=1e-6,
    )
    loss_fn = open_clip.ClipLoss()
    steps_per_epoch = len(specs) // args.batch
    caption_rng = random.Random(stage.seed + 2)
    order_rng = np.random.default_rng(stage.seed + 3)
    step, history = 0, []
    warmup = min(300, stage.steps // 10)
    model.train()
    while step < stage.steps:
        order = order_rng.permutation(len(specs))
        for b in range(steps_per_epoch):
            idx = order[b * args.batch : (b + 1) * args.batch]
            images = normalise(pixels[idx])
            texts = tokenizer([describe(specs[i], caption_rng) for i in idx])
            if step < warmup:
                lr = stage.lr * (step + 1) / warmup
            else:
                lr = 0.5 * stage.lr * (1 + math.cos(math.pi * (step - warmup) / max(1, stage.steps - warmup)))
            for group in optimiser.param_groups:
                group["lr"] = lr
            image_features, text_features, logit_scale = model(images, texts)
            loss = loss_fn(image_features, text_features, logit_scale)
            if args.image_weight > 0:
                colours = [specs[i].colour for i in idx]
                kinds = [specs[i].shape for i in idx]
                similar = similar_pictures_loss(image_features, colours, kinds, stage.image_partial)
                loss = loss + args.image_weight * similar
            optimiser.zero_grad(set_to_none=True)
            loss.backward()
            optimiser.step()
            with torch.no_grad():
                model.logit_scale.clamp_(0, math.log(100))
            step += 1
            if step % 200 == 0 or step == 1:
                model.eval()
                accuracy = zero_shot_accuracy(model, tokenizer, val_pixels, val_specs, normalise)
                model.train()
                elapsed = time.time() - started
                history.append({"step": step, "loss": round(loss.item(), 4), "val_accuracy": accuracy})
                print(
                    f"  step {step:6d}  loss {loss.item():.3f}  val acc {accuracy:.3f}  {elapsed / 60:.1f} min",
                    flush=True,
                )
            if step >= stage.steps:
                break
    model.eval()
    return history, zero_shot_accuracy(model, tokenizer, val_pixels, val_specs, normalise)


def argument_parser() -> argparse.ArgumentParser:
    """The training script's options; their defaults make the shipped model."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", default=str(Path(__file__).resolve().parents[2] / "resources/models" / MODEL_NAME))
    parser.add_argument("--steps", type=int, default=8000, help="optimiser steps (the shipped model: 8000)")
    parser.add_argument("--pool", type=int, default=100_000, help="pictures rendered once, recaptioned each epoch")
    parser.add_argument("--batch", type=int, default=128)
    parser.add_argument("--lr", type=float, default=2e-3)
    parser.add_argument("--seed", type=int, default=20261129)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument(
        "--image-weight", type=float, default=IMAGE_WEIGHT, help="weight of the picture-to-picture term (0: off)"
    )
    parser.add_argument("--init", default=None, help="a model folder to start from instead of random weights")
    parser.add_argument(
        "--finetune-steps",
        type=int,
        default=FINETUNE_STEPS,
        help=f"steps of the second stage (the shipped model: {FINETUNE_STEPS}; 0: none)",
    )
    parser.add_argument(
        "--sharpen-steps",
        type=int,
        default=SHARPEN_STEPS,
        help=f"steps of the third stage, at {IMAGE_SIZE} pixels (the shipped model: {SHARPEN_STEPS}; 0: none)",
    )
    return parser


def main(argv: list[str] | None = None) -> None:
    """Command-line entry point of the training script."""
    summary = train(argument_parser().parse_args(argv))
    stages = [summary, *(summary[later] for later in ("finetune", "sharpen") if later in summary)]
    print(
        f"trained {' + '.join(str(stage['steps']) for stage in stages)} steps in "
        f"{sum(stage['minutes'] for stage in stages):.1f} min; "
        f"held-out zero-shot accuracy {stages[-1]['val_zero_shot_accuracy']:.3f}"
    )


if __name__ == "__main__":
    main()
