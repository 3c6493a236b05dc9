"""The Amdahl fit (core/measure/amdahl.py) on synthetic data: what the scale curve's serial
fraction means.  No machine is measured here."""

import random

import pytest

from chaishop.core.measure import amdahl


@pytest.mark.parametrize("f", [0.0, 0.05, 0.3, 0.9, 1.0])
def test_exact_serial_fraction_is_recovered(f):
    points = [(n, amdahl.speedup(f, n)) for n in (1, 2, 4, 8)]
    fit = amdahl.fit(points)
    assert fit.serial_fraction == pytest.approx(f, abs=1e-9)
    assert fit.serial_fraction_err == pytest.approx(0.0, abs=1e-9)
    assert not fit.clamped
    assert fit.points == 3  # one worker says nothing about f
    assert fit.speedup(4) == pytest.approx(amdahl.speedup(f, 4))


def _noisy_repeats(f, noise, seed=7):
    rng = random.Random(seed)
    return [(n, [amdahl.speedup(f, n) * (1 + rng.uniform(-noise, noise)) for _ in range(5)])
            for n in (2, 2, 4, 8)]


def test_uncertainty_shrinks_with_less_noise():
    loud = amdahl.fit_repeats(_noisy_repeats(0.2, 0.2))
    quiet = amdahl.fit_repeats(_noisy_repeats(0.2, 0.02))
    assert quiet.serial_fraction_err < loud.serial_fraction_err / 5
    assert quiet.serial_fraction == pytest.approx(0.2, abs=0.02)
    # the truth lies within a few standard errors of both
    for fit in (loud, quiet):
        assert abs(fit.serial_fraction - 0.2) < 4 * fit.serial_fraction_err


def test_threads_under_the_gil_fit_near_one_processes_near_zero():
    """The lesson's shape on two cores: the caller passes min(crew, cores) as the workers."""
    cores = 2
    gil = amdahl.fit_repeats([(min(n, cores), [1.0, 0.98, 1.01]) for n in (2, 4)])
    procs = amdahl.fit_repeats([(min(n, cores), [1.95, 1.9, 1.97]) for n in (2, 4)])
    assert gil.serial_fraction >= 0.8
    assert procs.serial_fraction <= 0.15


def test_slower_than_sequential_is_clamped_and_says_so():
    fit = amdahl.fit([(2, 0.8), (4, 0.7)])
    assert fit.serial_fraction == 1.0
    assert fit.clamped and fit.raw > 1.0
    too_fast = amdahl.fit([(2, 2.5)])
    assert too_fast.serial_fraction == 0.0 and too_fast.clamped
    assert too_fast.serial_fraction_err is None  # one point, no repeats: no scatter to judge


def test_no_crew_bigger_than_one_fits_nothing():
    fit = amdahl.fit([(1, 0.9)])
    assert fit.serial_fraction is None and fit.speedup(2) is None
    assert fit.to_dict()["serial_fraction"] is None
