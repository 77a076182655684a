import Tensor

/// Output size of a sliding window along one axis: floor((W - F + 2P) / S) + 1, the
/// tutorial's formula, with `P` cells of padding on each side.
///
/// Returns nil when the window does not fit.
public func slidingOutputSize(input w: Int, window f: Int, padding p: Int, stride s: Int) -> Int? {
    let span = w - f + 2 * p
    guard s >= 1, span >= 0 else { return nil }
    return span / s + 1
}
