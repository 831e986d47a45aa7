"""Helm charts and kustomizations: rendered by the real tools, mapped back to the files a
user edits.  Modules, in import order: tools (find and run renderers safely), helm and
kustomize (one renderer each, plus the kustomization file graph), mapping (rendered place
-> template, values or patch line), units (discovery of charts and kustomization roots,
and the engine's hooks)."""
