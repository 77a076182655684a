import Foundation
import Imaging
import Tensor
import Testing

/// The Keras fixtures (scripts/make_augment_fixtures.py): each case's parameters, its input
/// image and Keras 3's `apply_transform` output.
struct KerasCase: Sendable, CustomStringConvertible {
    let name: String
    let image: String
    let transform: AugmentTransform
    let resampling: Resampling
    var description: String { name }
}

let augmentFixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/augment").path

let kerasCases: [KerasCase] = {
    guard let text = try? String(contentsOfFile: augmentFixtures + "/cases.txt", encoding: .utf8) else { return [] }
    return text.split(separator: "\n").filter { !$0.hasPrefix("#") }.compactMap { line in
        let f = line.split(separator: " ").map(String.init)
        guard f.count == 15, let fill = FillMode(rawValue: f[12]), let cval = Double(f[13]),
              let orderNumber = Int(f[14]), let order = Interpolation.allCases.first(where: { $0.order == orderNumber }) else { return nil }
        func d(_ i: Int) -> Double { Double(f[i]) ?? .nan }
        let t = AugmentTransform(theta: d(2), tx: d(3), ty: d(4), shear: d(5), zx: d(6), zy: d(7),
                                 flipHorizontal: f[8] == "1", flipVertical: f[9] == "1",
                                 brightness: f[10] == "-" ? nil : d(10), channelShift: f[11] == "-" ? nil : d(11))
        return KerasCase(name: f[0], image: f[1], transform: t, resampling: Resampling(fill: fill, cval: cval, order: order))
    }
}()

func fixtureFloats(_ name: String) throws -> Tensor<Float> {
    switch try NPY.read(path: augmentFixtures + "/\(name).npy") {
    case .int(let t), .bool(let t): return t.asFloat
    case .float(let t): return t
    }
}

/// How one case compares: the largest difference in grey levels, and the pixels (H,W
/// positions) where some channel differs by more than one level, split into those on the
/// image's outer ring and those inside.
struct Comparison {
    var maxDifference: Float = 0
    var maxInterior: Float = 0
    var borderOver1 = 0
    var interiorOver1 = 0
    var pixels = 0
}

func compare(_ got: Tensor<Float>, _ want: Tensor<Float>) -> Comparison {
    let (h, w, c) = (want.shape[0], want.shape[1], want.shape[2])
    var r = Comparison()
    r.pixels = h * w
    for i in 0..<h {
        for j in 0..<w {
            var worst: Float = 0
            for k in 0..<c { worst = max(worst, abs(got.scalars[(i * w + j) * c + k] - want.scalars[(i * w + j) * c + k])) }
            let border = i == 0 || j == 0 || i == h - 1 || j == w - 1
            r.maxDifference = max(r.maxDifference, worst)
            if !border { r.maxInterior = max(r.maxInterior, worst) }
            if worst > 1 { if border { r.borderOver1 += 1 } else { r.interiorOver1 += 1 } }
        }
    }
    return r
}

@Test func theKerasFixturesAreThere() {
    #expect(kerasCases.count == 136, "Tests/ImagingTests/Fixtures/augment/cases.txt is missing or changed")
}

@Test(arguments: kerasCases)
func matchesKerasApplyTransform(_ k: KerasCase) throws {
    let input = try fixtureFloats(k.image)
    let want = try fixtureFloats(k.name)
    let got = try k.transform.apply(to: input, resampling: k.resampling)
    #expect(got.shape == want.shape)
    let r = compare(got, want)
    #expect(r.maxInterior <= 1, "\(k.name): an interior pixel differs from Keras by \(r.maxInterior) grey levels")
    #expect(r.interiorOver1 == 0 && r.borderOver1 <= 2,
            "\(k.name): \(r.interiorOver1) interior and \(r.borderOver1) border pixels differ from Keras by more than one grey level")
}

/// The whole comparison in one line (swift test prints it): today every case is bit-identical
/// to Keras, border pixels included, and this holds it there. A change of summation order
/// would first show as a few border pixels whose coordinate lies within 1e-15 of the edge
/// (a -90 degree rotation puts whole rows there), which the bound above still allows.
@Test func everyKerasCaseIsBitIdentical() throws {
    var worst: Float = 0, over1 = 0, differing = 0, pixels = 0
    for k in kerasCases {
        let got = try k.transform.apply(to: try fixtureFloats(k.image), resampling: k.resampling)
        let want = try fixtureFloats(k.name)
        let r = compare(got, want)
        worst = max(worst, r.maxDifference)
        over1 += r.borderOver1 + r.interiorOver1
        differing += zip(got.scalars, want.scalars).filter { $0 != $1 }.count
        pixels += r.pixels
    }
    print("Keras fixtures: \(kerasCases.count) cases, \(pixels) pixels; largest difference \(worst) grey levels; \(over1) pixels differ by more than 1; \(differing) values differ at all")
    #expect(worst == 0 && differing == 0)
}

