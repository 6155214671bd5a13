"""Introspection of user models: import paths, signatures and Mesa scenario classes.

The experiment file names a model as "package.module:name"; these functions
import it and read what it accepts, for validating a file (`spec`) and for
building and calling the model (`models`). Kept apart so that neither of those
modules imports the other.
"""

from __future__ import annotations

import inspect
from typing import Any

from sim.experiments.fields import Problem


def check_import_path(path: str, what: str) -> None:
    """Check that "package.module:name" imports and can be called; Problem with the reason
    otherwise. Importing runs the module's code: an experiment file is code, like a script."""
    try:
        obj = resolve(path)
    except (ValueError, ImportError, AttributeError) as exc:
        raise Problem(f"cannot use {what} {path!r}: {exc}") from None
    if not callable(obj):
        raise Problem(f"cannot use {what} {path!r}: it is a {type(obj).__name__}, not a "
                      "class or function")


def resolve(path: str) -> Any:
    """The object named by "package.module:name" (dots after the colon: attributes).

    Raises:
        ValueError: the path is not of the form "module:name".
        ImportError: the module cannot be imported.
        AttributeError: the module has no such name.
    """
    import importlib

    module, sep, attr = path.partition(":")
    if not sep or not module or not attr:
        raise ValueError("expected \"package.module:name\"")
    obj = importlib.import_module(module)
    for part in attr.split("."):
        obj = getattr(obj, part)
    return obj


def accepts(func, name: str) -> bool:
    """True if `func` takes a keyword `name` (or any keyword)."""
    try:
        params = inspect.signature(func).parameters
    except (TypeError, ValueError):
        return True
    return name in params or any(p.kind is p.VAR_KEYWORD for p in params.values())


def has_keyword(func, name: str) -> bool:
    try:
        return name in inspect.signature(func).parameters
    except (TypeError, ValueError):
        return False


def takes_scenario(cls) -> bool:
    """True for a Mesa 3.5 model whose constructor takes a `scenario` object."""
    return has_keyword(cls, "scenario")


def scenario_class(cls, path: str | None = None):
    """The Mesa Scenario class to build for `cls`.

    The `scenario_class` of the experiment file if given; else the annotation of
    the constructor's `scenario` argument; else the one Scenario subclass defined
    in the model's module; else `mesa.experimental.scenarios.Scenario` itself.
    """
    from mesa.experimental.scenarios import Scenario

    if path is not None:
        return resolve(path)
    annotation = inspect.signature(cls).parameters["scenario"].annotation
    if isinstance(annotation, type) and issubclass(annotation, Scenario):
        return annotation
    module = inspect.getmodule(cls)
    found = [obj for obj in vars(module).values()
             if isinstance(obj, type) and issubclass(obj, Scenario) and obj is not Scenario
             and obj.__module__ == module.__name__]
    return found[0] if len(found) == 1 else Scenario


def mesa_parameter_defaults(target: str, scenario_path: str | None) -> dict | None:
    """Parameters a Mesa model class accepts, with their defaults; None when it accepts any."""
    cls = resolve(target)
    if takes_scenario(cls):
        defaults = getattr(scenario_class(cls, scenario_path), "_scenario_defaults", {})
        return dict(defaults) or None
    return signature_defaults(cls, exclude=("rng", "seed", "scenario"))


def signature_defaults(func, exclude: tuple[str, ...] = ()) -> dict | None:
    """Keyword parameters of `func` with their defaults (None if none); None if it takes
    any keyword (**kwargs) or has no readable signature."""
    try:
        params = inspect.signature(func).parameters
    except (TypeError, ValueError):
        return None
    if any(p.kind is p.VAR_KEYWORD for p in params.values()):
        return None
    return {n: (None if p.default is p.empty else p.default) for n, p in params.items()
            if n not in exclude and p.kind is not p.VAR_POSITIONAL}
