"""relqual: structural equation models of customer relationship quality and loyalty.

Examples
--------
>>> import relqual as rq
>>> res = rq.fit("relationship_quality", rq.datasets.load("relationship_quality"))
>>> res.paths()[["lhs", "op", "rhs", "est"]].head(3).round(3)
   lhs op  rhs    est
0  SAT  ~   CF  0.352
1   TR  ~  SAT  0.436
2   TR  ~   CF  0.299
>>> res.n_obs, round(float(res.fit_measures()["srmr"]), 3)
(537, 0.025)
"""
from . import datasets, intervals, models, segments
from .compare import compare
from .data import DataError
from .datacheck import DataReport, check_data
from .fit import fit
from .groups import compare_paths, invariance
from .nonresponse import nonresponse
from .partable import build_partable
from .plsmga import micom, pls_mga
from .power import power, power_rmsea, sample_size_rmsea, smallest_n
from .process import process
from .result import RelqualWarning, Result
from .simulate import simulate
from .summary import read_cov
from .survey import SurveyFileError, read_survey
from .syntax import ModelSyntaxError, parse

__version__ = "0.1.0"

__all__ = ["fit", "invariance", "compare_paths", "segments", "simulate", "models", "datasets",
           "parse", "build_partable", "Result", "RelqualWarning", "ModelSyntaxError", "DataError",
           "read_survey", "check_data", "DataReport", "SurveyFileError", "power", "power_rmsea",
           "sample_size_rmsea", "smallest_n", "intervals", "pls_mga", "micom", "read_cov",
           "compare", "nonresponse", "process", "__version__"]
