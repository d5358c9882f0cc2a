"""Package layout and the optional compiled readers; the metadata is in pyproject.toml.

The stage folders live at the repository's top level and install under one name: ``breakdesk.parsers``
is ``parsers/``, and so on (``breakdesk/__init__.py`` names them). Folders without ``__init__.py``
(agents/graph, app/ui/views, app/store/migrations) are packages too.

The C readers (parsers/*/_speedups.c) are ``optional``: where no compiler or Python headers are found
the build goes on without them and the Python readers, their references, do all the work.
"""

from setuptools import Extension, find_namespace_packages, setup

STAGES = ("parsers", "knowledge_base", "agents", "app", "evals")

package_dir = {"breakdesk": "breakdesk"}
packages = ["breakdesk"]
for stage in STAGES:
    package_dir[f"breakdesk.{stage}"] = stage
    packages.append(f"breakdesk.{stage}")
    packages += [f"breakdesk.{stage}.{sub}" for sub in find_namespace_packages(stage, exclude=["*__pycache__*"])]

speedups = [
    Extension(f"breakdesk.parsers.{family}._speedups", sources=[f"parsers/{family}/_speedups.c"],
              depends=["parsers/_speedups_common.h"], optional=True,
              extra_compile_args=["-O2", "-Wall", "-Werror=implicit-function-declaration"])
    for family in ("swift", "iso20022")
]

setup(packages=packages, package_dir=package_dir, ext_modules=speedups)
