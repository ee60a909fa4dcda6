"""Model specs shipped with relqual (installed as the package ``relqual.models_data``)."""
