"""The CLIP models photoclip supports, with what a user needs to choose between them."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from photoclip.core.errors import ModelError
from photoclip.core.models.preprocess import PreprocessConfig
from photoclip.core.paths import models_cache_dir, resources_dir

TINY_MODEL_ID = "photoclip-tiny"
DEFAULT_MODEL_ID = "ViT-B-32-256/datacomp_s34b_b86k"


@dataclass(frozen=True)
class OnnxSource:
    """Where ready-made ONNX graphs of a model are published on the Hugging Face hub."""

    layout: str  # "rclip" (visual.onnx and textual.onnx in a folder) or "immich" (visual/, textual/)
    repo: str
    folder: str = ""  # the model's folder inside the repository (rclip's layout)
    sha256: dict[str, str] | None = None  # pinned digests by path, when known


@dataclass(frozen=True)
class ModelSpec:
    """One supported model: where its weights come from and how it behaves."""

    id: str  # stored with every vector; one index never mixes two ids
    arch: str  # open_clip model name
    pretrained: str  # open_clip pretrained tag (empty for the bundled model)
    hf_repo: str | None
    filenames: tuple[str, ...]  # tried in order: safetensors first, a pickle only as a fallback
    download_mb: int
    speed: str
    cpu_images_per_s: float
    imagenet_top1: float | None
    dim: int
    licence: str
    note: str
    sha256: dict[str, str] | None = None  # pinned digests, when known, beside the server's own
    preprocess: PreprocessConfig = field(default_factory=PreprocessConfig)  # open_clip's eval preprocessing
    context_length: int = 77
    onnx: OnnxSource | None = None  # ready-made ONNX graphs, if someone publishes them
    # Zero-shot tagging: prompt templates averaged per label, generic "none of these" prompts, and
    # the thresholds of the rule for libraries too small to measure a label against (a tag needs
    # tag_min_score and a lead of tag_margin over "none"; larger libraries ask what a search lists).
    prompt_templates: tuple[str, ...] = (
        "a photo of a {}.",
        "a close-up photo of a {}.",
        "a photo of the {}.",
        "a good photo of a {}.",
        "a cropped photo of a {}.",
        "a photo of my {}.",
    )
    none_prompts: tuple[str, ...] = ("a photo.", "a photo of something.", "an image.", "a picture of an object.")
    tag_min_score: float = 0.22
    tag_margin: float = 0.03
    default_label_set: str = "everyday"  # the built-in label set a tagging run uses unless told
    # A file beside the bundled weights listing every word the model was trained on ("": it knows
    # the words people type); see photoclip.core.vocabulary.
    vocabulary: str = ""

    @property
    def bundled(self) -> bool:
        """True for the model shipped inside photoclip."""
        return self.hf_repo is None

    @property
    def slug(self) -> str:
        """The model id made safe for a file name."""
        return self.id.replace("/", "--")

    @property
    def download_dir(self) -> Path:
        """Where downloaded weights of this model are kept."""
        return models_cache_dir() / self.slug


MODELS: tuple[ModelSpec, ...] = (
    ModelSpec(
        id=DEFAULT_MODEL_ID,
        arch="ViT-B-32-256",
        pretrained="datacomp_s34b_b86k",
        hf_repo="laion/CLIP-ViT-B-32-256x256-DataComp-s34B-b86K",
        filenames=("open_clip_model.safetensors", "open_clip_pytorch_model.bin"),
        download_mb=605,
        speed="fast",
        cpu_images_per_s=21,
        imagenet_top1=72.8,
        dim=512,
        licence="MIT",
        note="default: best quality per CPU second",
        preprocess=PreprocessConfig(size=256),
        onnx=OnnxSource("rclip", "yurijmikhalevich/rclip-models", "ViT-B-32-256-datacomp_s34b_b86k"),
    ),
    ModelSpec(
        id="ViT-B-32/laion2b_s34b_b79k",
        arch="ViT-B-32",
        pretrained="laion2b_s34b_b79k",
        hf_repo="laion/CLIP-ViT-B-32-laion2B-s34B-b79K",
        filenames=("open_clip_model.safetensors", "open_clip_pytorch_model.bin"),
        download_mb=605,
        speed="fastest",
        cpu_images_per_s=24,
        imagenet_top1=66.6,
        dim=512,
        licence="MIT",
        note="fastest",
        preprocess=PreprocessConfig(size=224),
        onnx=OnnxSource("immich", "immich-app/ViT-B-32__laion2b-s34b-b79k"),
    ),
    ModelSpec(
        id="ViT-B-16-SigLIP2/webli",
        arch="ViT-B-16-SigLIP2",
        pretrained="webli",
        hf_repo="timm/ViT-B-16-SigLIP2",
        filenames=("open_clip_model.safetensors", "open_clip_pytorch_model.bin"),
        download_mb=1500,
        speed="slow on CPU",
        cpu_images_per_s=8,
        imagenet_top1=78.2,
        dim=768,
        licence="Apache-2.0",
        note="GPU option, multilingual tokenizer",
        preprocess=PreprocessConfig(size=224, mean=(0.5, 0.5, 0.5), std=(0.5, 0.5, 0.5), resize_mode="squash"),
        context_length=64,
        onnx=OnnxSource("immich", "immich-app/ViT-B-16-SigLIP2__webli"),
    ),
    ModelSpec(
        id="ViT-L-14/datacomp_xl_s13b_b90k",
        arch="ViT-L-14",
        pretrained="datacomp_xl_s13b_b90k",
        hf_repo="laion/CLIP-ViT-L-14-DataComp.XL-s13B-b90K",
        filenames=("open_clip_model.safetensors", "open_clip_pytorch_model.bin"),
        download_mb=1710,
        speed="GPU only",
        cpu_images_per_s=2,
        imagenet_top1=79.2,
        dim=768,
        licence="MIT",
        note="best quality, needs a GPU",
        preprocess=PreprocessConfig(size=224),
    ),
    ModelSpec(
        id=TINY_MODEL_ID,
        arch=TINY_MODEL_ID,
        pretrained="",
        hf_repo=None,
        filenames=("open_clip_model.safetensors",),
        download_mb=0,
        speed="instant",
        cpu_images_per_s=1000,
        imagenet_top1=None,
        dim=128,
        licence="MIT",
        note="photoclip's own demo model: knows only coloured shapes, works offline",
        preprocess=PreprocessConfig(size=128, resize_mode="squash"),
        context_length=32,
        prompt_templates=("a {}", "a photo of a {}", "a picture of a {}", "an image of a {}"),
        none_prompts=("a shape", "a picture", "a photo of a shape", "an image"),
        # Chosen with `python -m photoclip.smallclip.evaluate_tagging --calibrate` (seed 5151): the
        # lowest score at which every picture in a colour outside the set stays untagged at this
        # margin, below the 0.15-0.17 where true labels' scores bunch up; reported on other pictures.
        tag_min_score=0.14,
        tag_margin=0.02,
        default_label_set="shapes",
        vocabulary="vocabulary.txt",
    ),
)


def bundled_model_dir() -> Path:
    """The folder of the small model shipped with photoclip (open_clip ``local-dir`` layout)."""
    return resources_dir() / "models" / TINY_MODEL_ID


def bundled_onnx_dir() -> Path:
    """The small model's ONNX graphs, shipped beside its weights (their token table is read
    from the weights file itself; see photoclip.smallclip.bundle_onnx)."""
    return bundled_model_dir()


def get_model(model_id: str | None) -> ModelSpec:
    """Finds a model by id, by architecture name, or by a unique prefix of either."""
    wanted = (model_id or DEFAULT_MODEL_ID).strip()
    for spec in MODELS:
        if wanted in (spec.id, spec.slug):
            return spec
    matches = [s for s in MODELS if s.arch == wanted or s.id.lower().startswith(wanted.lower())]
    if len(matches) == 1:
        return matches[0]
    known = ", ".join(s.id for s in MODELS)
    raise ModelError(f"Unknown model '{wanted}'. Choose one of: {known} (see 'photoclip models').")
