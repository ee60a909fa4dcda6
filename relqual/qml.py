"""QML, quasi-maximum likelihood for latent interactions (Klein & Muthén 2007, Multivariate
Behavioral Research 42, 647-673): ``rq.fit(..., interaction="qml")``.

The model is the LMS one (:mod:`relqual.lms`: the linear model plus ``eta ~ x:z`` terms whose
factors are normal); QML needs one latent outcome ``eta`` of the interaction terms, measured by
its own indicators ``y`` (first indicator ``y1`` with loading ``l1``), and the rest of the
observed variables ``x``. With ``w = y_rest - (l_rest / l1) y1`` (free of ``eta``), the
quasi-likelihood of a row is

    N(x; mu_x, Sigma_x) N(w; tau_w, Theta_w) N(y1; E[y1 | x, w], Var[y1 | x, w]),

the first two exactly normal, the third the normal with the exact conditional moments: with
``v | x ~ N(m, V)`` for the normal variables ``v`` (factors and x),
``eta = alpha + a'v + sum_t omega_t v_a v_b + zeta``,

    E[eta | x] = alpha + a'm + sum_t omega_t (m_a m_b + V_ab)
    Var[eta | x] = g'Vg + sum_ts omega_t omega_s (V_{a_t a_s} V_{b_t b_s}
                   + V_{a_t b_s} V_{b_t a_s}) + psi,    g = a + sum_t omega_t (m_b e_a + m_a e_b)

(Isserlis' theorem), and ``y1 = tau1 + l1 eta + eps1`` with ``eps1 | w`` normal. The
transformation ``(y1, y_rest) -> (y1, w)`` has Jacobian 1. The optimum is found by BFGS with
central-difference gradients; standard errors come from the observed information (central
differences of the gradient), as for LMS.
"""
from __future__ import annotations

import numpy as np
from scipy.optimize import minimize as scipy_minimize

from .engine.lms import LMSLoss
from .engine.optimize import OptimResult
from .lms import GTOL, LMSFamily, finished, lms_partable
from .problem import Problem

LOG_2PI = np.log(2.0 * np.pi)


def _normal_logpdf(resid: np.ndarray, cov: np.ndarray) -> np.ndarray:
    """Row-wise log densities of N(0, cov_b) at ``resid`` (B x N x q; cov: B x q x q)."""
    chol = np.linalg.cholesky(cov)
    z = resid @ np.transpose(np.linalg.inv(chol), (0, 2, 1))
    logdet = 2.0 * np.log(np.diagonal(chol, axis1=1, axis2=2)).sum(axis=1)
    return -0.5 * (resid.shape[2] * LOG_2PI + logdet[:, None] + (z ** 2).sum(axis=2))


class QMLLoss:
    """Minus the QML log-likelihood per observation (implements
    :class:`relqual.engine.protocol.Loss`, derivatives by central differences).

    Parameters
    ----------
    model : LMSModel
        The model (one outcome of the interaction terms).
    data : ndarray
        The rows (N x p, complete).

    Examples
    --------
    >>> import relqual as rq
    >>> res = rq.fit("visual =~ x1 + x2 + x3; textual =~ x4 + x5 + x6; "
    ...              "speed =~ x7 + x8 + x9; speed ~ visual + textual + visual:textual",
    ...              rq.datasets.load("holzinger_swineford"), interaction="qml")
    >>> loss = res.problem.loss
    >>> loss.outcome, loss.y_names
    ('speed', ['x7', 'x8', 'x9'])
    """

    def __init__(self, model, data: np.ndarray):
        self.model = model
        self.data = np.asarray(data, dtype=float)
        self.n_total = len(self.data)
        outcomes = {model.names[k] for k in model._y}
        if len(outcomes) != 1:
            raise NotImplementedError(
                "interaction='qml' needs one outcome of the interaction terms (here: "
                + ", ".join(sorted(outcomes)) + "); use interaction='lms'")
        self.outcome = outcomes.pop()
        eta = model.names.index(self.outcome)
        pattern = model.A0 != 0
        pattern[model.i[model._is_a], model.j[model._is_a]] = True
        self._eta = eta
        self._observed = eta < model.p              # an observed outcome is its own indicator
        self._y = [eta] if self._observed else [k for k in range(model.p) if pattern[k, eta]]
        if not self._observed:
            if not self._y:
                raise NotImplementedError(f"interaction='qml': the outcome '{self.outcome}' "
                                          "has no indicators")
            if any(pattern[k, j] for k in self._y for j in range(model.n) if j != eta):
                raise NotImplementedError(f"interaction='qml': an indicator of "
                                          f"'{self.outcome}' loads on another variable; use "
                                          "interaction='lms'")
        if pattern[:, eta].sum() != (0 if self._observed else len(self._y)):
            raise NotImplementedError(f"interaction='qml': '{self.outcome}' predicts other "
                                      "variables; use interaction='lms'")
        self._x = [k for k in range(model.p) if k not in self._y]
        self._v = [k for k in range(model.n) if k != eta and k not in self._y]
        self.y_names = [model.names[k] for k in self._y]
        self._pairs = [(self._v.index(model.names.index(model.cover[a])), self._v.index(b))
                       for a, b in zip(model._a, model._b)]

    def loglik_rows(self, x: np.ndarray) -> np.ndarray:
        """Each row's quasi-log-likelihood, the three factors of the module's formula (for a
        2-D ``x``, B x npar, a B x N array: B parameter vectors at once)."""
        model, tr = self.model, (0, 2, 1)
        xb = np.atleast_2d(x)
        parts = [model.matrices(xi) for xi in xb]
        A = np.stack([q[0] for q in parts])
        S = np.stack([q[1] for q in parts])
        m = np.stack([q[2] for q in parts])
        v, xs, eta, ys = self._v, self._x, self._eta, self._y
        others = [k for k in range(model.n) if k != eta]
        if np.any(S[:, eta, others] != 0) or np.any(S[:, ys][:, :, v] != 0):
            raise NotImplementedError("interaction='qml': residual covariances of the outcome "
                                      "or its indicators with other variables; use "
                                      "interaction='lms'")
        ia = np.linalg.inv(np.eye(model.n)[None] - A)
        mean_all = (ia @ m[:, :, None])[:, :, 0]
        cov_all = ia @ S @ np.transpose(ia, tr)
        sigma_x = cov_all[:, xs][:, :, xs]
        resid_x = self.data[None, :, xs] - mean_all[:, None, xs]
        out = _normal_logpdf(resid_x, sigma_x)
        c_xv = cov_all[:, xs][:, :, v]
        solved = np.linalg.solve(sigma_x, c_xv)                 # Sigma_x^-1 C_xv
        cond_mean = mean_all[:, None, v] + resid_x @ solved      # B x N x |v|
        cond_cov = cov_all[:, v][:, :, v] - np.transpose(c_xv, tr) @ solved
        a = A[:, eta][:, v]
        omega = xb[:, model.first: model.first + len(model.terms)]
        e_eta = m[:, eta, None] + (cond_mean @ a[:, :, None])[:, :, 0]
        grad = np.repeat(a[:, None, :], len(self.data), axis=1)
        for t, (i, j) in enumerate(self._pairs):
            w_t = omega[:, t, None]
            e_eta = e_eta + w_t * (cond_mean[:, :, i] * cond_mean[:, :, j]
                                   + cond_cov[:, i, j, None])
            grad[:, :, i] += w_t * cond_mean[:, :, j]
            grad[:, :, j] += w_t * cond_mean[:, :, i]
        var_eta = ((grad @ cond_cov) * grad).sum(axis=2) + S[:, eta, eta, None]
        for t, (i, j) in enumerate(self._pairs):
            for s, (k, l_) in enumerate(self._pairs):
                var_eta = var_eta + (omega[:, t] * omega[:, s] * (
                    cond_cov[:, i, k] * cond_cov[:, j, l_]
                    + cond_cov[:, i, l_] * cond_cov[:, j, k]))[:, None]
        data_y = self.data[:, ys]
        if self._observed:                      # y1 = eta itself
            mean_y1, var_y1 = e_eta, var_eta
        else:
            lam, tau, theta = A[:, ys, eta], m[:, ys], S[:, ys][:, :, ys]
            e_eps, v_eps = 0.0, theta[:, 0, 0, None]
            if len(ys) > 1:
                ratio = lam[:, 1:] / lam[:, :1]
                B = np.concatenate([-ratio[:, :, None],
                                    np.broadcast_to(np.eye(len(ys) - 1),
                                                    (len(xb), len(ys) - 1, len(ys) - 1))],
                                   axis=2)
                w = data_y[None, :, 1:] - data_y[None, :, :1] * ratio[:, None, :]
                theta_w = B @ theta @ np.transpose(B, tr)
                resid_w = w - (tau[:, 1:] - ratio * tau[:, :1])[:, None, :]
                out = out + _normal_logpdf(resid_w, theta_w)
                cov_ew = (theta[:, :1, :] @ np.transpose(B, tr))[:, 0, :]
                k_w = np.linalg.solve(theta_w, cov_ew[:, :, None])[:, :, 0]
                e_eps = (resid_w @ k_w[:, :, None])[:, :, 0]
                v_eps = v_eps - (cov_ew * k_w).sum(axis=1)[:, None]
            mean_y1 = tau[:, :1] + lam[:, :1] * e_eta + e_eps
            var_y1 = lam[:, :1] ** 2 * var_eta + v_eps
        if np.any(var_y1 <= 0):
            raise np.linalg.LinAlgError("non-positive conditional variance")
        out = out - 0.5 * (LOG_2PI + np.log(var_y1) + (data_y[None, :, 0] - mean_y1) ** 2
                           / var_y1)
        return out[0] if np.ndim(x) == 1 else out

    value = LMSLoss.value      # minus the mean of loglik_rows, inf where it is not defined

    def value_and_gradient(self, x: np.ndarray, step: float = 1e-6):
        """The value and its gradient by central differences (one batched evaluation)."""
        shift = step * np.eye(len(x))
        try:
            values = -self.loglik_rows(np.vstack([x[None], x + shift, x - shift])).mean(axis=1)
        except np.linalg.LinAlgError:                # near a boundary: one at a time
            values = np.array([self.value(z) for z in np.vstack([x[None], x + shift,
                                                                  x - shift])])
        k = len(x)
        return float(values[0]), (values[1: k + 1] - values[k + 1:]) / (2 * step)

    def observed_hessian(self, x: np.ndarray, step: float = 1e-4):
        """Value, gradient and Hessian (forward differences of the gradient, symmetrized)."""
        value, grad = self.value_and_gradient(x)
        hess = np.empty((len(x), len(x)))
        for j in range(len(x)):
            e = np.zeros(len(x))
            e[j] = step
            hess[j] = (self.value_and_gradient(x + e)[1] - grad) / step
        return value, grad, 0.5 * (hess + hess.T)

    def value_gradient_information(self, x: np.ndarray):
        """Value, gradient and the observed Hessian."""
        return self.observed_hessian(x)


class QMLFamily(LMSFamily):
    """The QML estimator family: the LMS model and parameter table, the QML loss.

    Examples
    --------
    >>> QML.name
    'QML'
    """

    name = "QML"

    def problem(self, spec, data, options) -> Problem:
        """The QML problem (see :meth:`relqual.lms.LMSFamily.problem`).

        Examples
        --------
        >>> import relqual as rq
        >>> from relqual.lms import EXAMPLE
        >>> from relqual.models import resolve_model
        >>> from relqual.options import FitOptions
        >>> problem = QML.problem(resolve_model(EXAMPLE), rq.datasets.load("holzinger_swineford"),
        ...                       FitOptions())
        >>> problem.loss.y_names
        ['x9']
        """
        from .data import prepare_data
        linear, full, terms = lms_partable(spec, options, max_dimensions=None)
        prepared = prepare_data(data, linear.roles.ov, first_line=linear.roles.first_line)
        lms = self._problem(linear, full, terms, prepared)
        from dataclasses import replace
        return replace(lms, loss=QMLLoss(lms.models[0], prepared.arrays[0]))

    def with_data(self, problem: Problem, arrays: list) -> Problem:
        """The problem on other rows (one group)."""
        from dataclasses import replace
        moved = LMSFamily.with_data(self, problem, arrays)
        return replace(moved, loss=QMLLoss(moved.models[0], arrays[0]))

    def optimize(self, problem: Problem, options, start=None) -> OptimResult:
        """Step 4: BFGS from the linear model's ML estimates (interaction 0)."""
        loss, settings = problem.loss, dict(options.control)
        gtol = settings.get("gtol", GTOL)
        if start is None:
            start = self.start(problem, options)
        run = scipy_minimize(loss.value_and_gradient, start, jac=True, method="BFGS",
                             options=dict(gtol=gtol, maxiter=settings.get("max_iter", 500)))
        return finished(loss, run, int(run.nit), gtol, "BFGS (QML)")


QML = QMLFamily()
