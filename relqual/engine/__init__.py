"""The estimation engine: sample statistics, model matrices, loss, optimizer, inference, fit
indices."""
