"""Datasets shipped with relqual (installed as the package ``relqual.data_files``);
see DATASETS.md."""
