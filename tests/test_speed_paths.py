"""The fast paths of issue 18 give what the direct formulas give: FIML by pattern blocks (batched
trace products, batched dSigma products, batched EM), the parse and library-model caches (the
caller gets copies), and data preparation by one transposing copy."""
import numpy as np
import pytest

import relqual as rq
from relqual.data import prepare_data
from relqual.engine.loss import MLLoss, PatternBlock
from relqual.engine.missing import em_saturated, missing_patterns
from relqual.syntax import parse

HSM = rq.datasets.load("holzinger_swineford_missing")
HS3 = "visual =~ x1 + x2 + x3\ntextual =~ x4 + x5 + x6\nspeed =~ x7 + x8 + x9"


@pytest.fixture(scope="module")
def fiml():
    return rq.fit(HS3, HSM, missing="fiml")


def _direct_hessians(loss: MLLoss, x: np.ndarray):
    """Expected and observed Hessians pattern by pattern from the full Jacobian (einsum)."""
    model = loss.models[0]
    imp = model.implied(x)
    d_sigma, d_mu = model.jacobian(imp)           # npar x p x p, npar x p
    npar = len(x)
    expected, observed = np.zeros((npar, npar)), np.zeros((npar, npar))
    M_sum, v_sum = np.zeros((model.p, model.p)), np.zeros(model.p)
    for piece, w, (_f, W, d) in zip(loss.pieces, loss.weights, loss.evaluate(x)[1]):
        o = np.arange(model.p) if piece.obs is None else piece.obs
        dS, dm = d_sigma[:, o][:, :, o], d_mu[:, o]
        moment = piece.cov + np.outer(d, d)
        WdS = np.einsum("ab,kbc->kac", W, dS)
        T_WW = np.einsum("kab,lba->kl", WdS, WdS)
        mean = 2.0 * dm @ W @ dm.T
        expected += w * (T_WW + mean)
        P = W @ moment @ W - 0.5 * W
        half = np.einsum("ab,kbc,cd,lda->kl", P, dS, W, dS)
        mixed = np.einsum("ka,ab,lbc,c->kl", dm, W, dS, W @ d)
        observed += w * (half + half.T + mean + 2.0 * (mixed + mixed.T))
        M_sum[np.ix_(o, o)] += w * (W - W @ moment @ W)
        v_sum[o] += w * (W @ d)
    observed += model.second_derivative_term(imp, M_sum)
    observed -= 2.0 * model.second_derivative_mean_term(imp, v_sum)
    return expected, observed


def test_pattern_blocks_match_pattern_by_pattern_formulas(fiml):
    loss = fiml.problem.loss
    assert loss._blocks is not None and len(loss.pieces) > 10
    x = fiml.x + 0.01                              # away from the optimum: every term counts
    _, _, expected, observed = loss.value_gradient_information(x, exact=True)
    direct_expected, direct_observed = _direct_hessians(loss, x)
    np.testing.assert_allclose(expected, direct_expected, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(observed, direct_observed, rtol=1e-10, atol=1e-12)


def test_batched_objective_matches_pattern_by_pattern(fiml):
    loss = fiml.problem.loss
    x = fiml.x + 0.01
    imp = loss.models[0].implied(x)
    total = 0.0
    for piece, w in zip(loss.pieces, loss.weights):
        o = piece.obs
        sigma, d = imp.sigma[np.ix_(o, o)], piece.mean - imp.mu[o]
        W = np.linalg.inv(sigma)
        total += w * (np.linalg.slogdet(sigma)[1] + np.sum(piece.cov * W) + d @ W @ d
                      - piece.constant)
    assert loss.value(x) == pytest.approx(total, rel=1e-12)


def test_pattern_block_sizes_cover_every_pattern_once(fiml):
    loss = fiml.problem.loss
    [block] = PatternBlock.of_group(0, 9, loss.pieces, loss.weights)
    covered = sorted(k for ks, *_ in block.sizes for k in ks)
    assert covered == list(range(len(loss.pieces)))
    assert block.weights.sum() == pytest.approx(1.0)
    small = PatternBlock.of_group(0, 9, loss.pieces, loss.weights, max_cells=5 * 81)
    assert [len(b.members) for b in small] == [5] * 5 + [1]
    assert sorted(k for b in small for k in b.members) == list(range(len(loss.pieces)))


def test_small_blocks_give_the_same_derivatives(fiml):
    loss = fiml.problem.loss
    x = fiml.x + 0.01
    one_block = loss.value_gradient_information(x, exact=True)
    cut = MLLoss(loss.models, pieces=loss.pieces)
    cut._blocks = PatternBlock.of_group(0, 9, loss.pieces, loss.weights, max_cells=3 * 81)
    assert len(cut._blocks) == 9
    for a, b in zip(one_block, cut.value_gradient_information(x, exact=True)):
        np.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-14)


def test_not_positive_definite_pattern_is_reported(fiml):
    bad = fiml.x.copy()
    bad[fiml.partable.col["op"][fiml.partable.col["free"] > 0] == "~~"] = -1.0
    assert fiml.problem.loss.value(bad) == np.inf


def _em_by_pattern(values, patterns, tol=1e-10, max_iter=10000):
    """The textbook EM, one pattern at a time (the pre-batching implementation)."""
    n, p = values.shape
    mu, sigma = np.nanmean(values, axis=0), np.diag(np.nanvar(values, axis=0))
    for _ in range(max_iter):
        T1, T2 = np.zeros(p), np.zeros((p, p))
        for pat in patterns:
            o = pat.obs
            m = np.setdiff1d(np.arange(p), o)
            s1, s2 = pat.n * pat.mean, pat.n * (pat.cov + np.outer(pat.mean, pat.mean))
            T1[o] += s1
            T2[np.ix_(o, o)] += s2
            if len(m) == 0:
                continue
            B = np.linalg.solve(sigma[np.ix_(o, o)], sigma[np.ix_(o, m)]).T
            c = mu[m] - B @ mu[o]
            T1[m] += pat.n * c + B @ s1
            cross = np.outer(c, s1) + B @ s2
            T2[np.ix_(m, o)] += cross
            T2[np.ix_(o, m)] += cross.T
            T2[np.ix_(m, m)] += (pat.n * np.outer(c, c) + np.outer(c, B @ s1)
                                 + np.outer(B @ s1, c) + B @ s2 @ B.T
                                 + pat.n * (sigma[np.ix_(m, m)] - B @ sigma[np.ix_(o, m)]))
        new_mu = T1 / n
        new_sigma = T2 / n - np.outer(new_mu, new_mu)
        change = max(np.abs(new_mu - mu).max(), np.abs(new_sigma - sigma).max())
        mu, sigma = new_mu, new_sigma
        if change < tol:
            break
    return mu, sigma


def test_batched_em_matches_pattern_by_pattern_em():
    values = HSM[[f"x{i}" for i in range(1, 10)]].to_numpy(dtype=float)
    patterns = missing_patterns(values)
    mu, sigma, iterations = em_saturated(values, patterns)
    mu_ref, sigma_ref = _em_by_pattern(values, patterns)
    assert iterations < 10000
    np.testing.assert_allclose(mu, mu_ref, rtol=1e-9)
    np.testing.assert_allclose(sigma, sigma_ref, rtol=1e-9)


def test_parse_cache_hands_out_copies():
    syntax = "f =~ x1 + a*x2 + x3"
    first = parse(syntax)
    first[0].lhs = "changed"
    first[1].modifiers.append("junk")
    again = parse(syntax)
    assert again[0].lhs == "f" and len(again[1].modifiers) == 1
    assert again[1].modifiers[0].label == "a"


def test_library_model_cache_hands_out_copies():
    spec = rq.models.load("relationship_quality")
    spec.syntax = "changed"
    spec.hypotheses.clear()
    again = rq.models.load("relationship_quality")
    assert again.syntax != "changed" and len(again.hypotheses) == 9


def test_prepare_data_one_copy_in_row_order():
    columns = [f"x{i}" for i in range(1, 10)]
    prepared = prepare_data(HSM, columns, missing="fiml")
    values = prepared.arrays[0]
    assert values.flags["C_CONTIGUOUS"] and values.flags["OWNDATA"]
    np.testing.assert_array_equal(values, HSM[columns].to_numpy(dtype=float))
    complete = prepare_data(rq.datasets.load("holzinger_swineford"), columns)
    assert complete.arrays[0].flags["C_CONTIGUOUS"]
