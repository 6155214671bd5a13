"""Pictures of the model: the static summary figure of a run (`summary`) and the
interactive dashboard (`dashboard`, with `controls`, `inputs`, `paired`, `charts`,
`launch` and `assets`)."""
