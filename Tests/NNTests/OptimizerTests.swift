import Foundation
import Testing
import Tensor
@testable import NN

/// One weight tensor [w0, w1] with the gradient sequence applied step by step.
func run<O: Optimizer>(_ o: inout O, start: [Float], gradients: [[Float]]) throws -> [Float] {
    var w = ModelWeights(tensors: [[Tensor(shape: [start.count], scalars: start)], []])
    for g in gradients { try o.step(&w, gradients: [[Tensor(shape: [g.count], scalars: g)], []]) }
    return w.tensors[0][0].scalars
}

let gradientSteps: [[Float]] = [[0.5, -2], [0.25, -1], [-0.5, 3]]

@Test func sgdWithMomentumMatchesKerasRule() throws {
    var o = SGD(learningRate: 0.1, momentum: 0.9)
    let got = try run(&o, start: [1, 1], gradients: gradientSteps)
    var w = [1.0, 1.0], m = [0.0, 0.0]
    for g in gradientSteps { for i in 0..<2 { m[i] = 0.9 * m[i] - 0.1 * Double(g[i]); w[i] += m[i] } }
    for i in 0..<2 { #expect(abs(Double(got[i]) - w[i]) < 1e-6) }
    var plain = SGD()
    #expect(try run(&plain, start: [1], gradients: [[2]]) == [0.98])
}

@Test func rmspropMatchesKerasRuleWithEpsilonInsideTheRoot() throws {
    var o = RMSprop()
    let got = try run(&o, start: [1, 1], gradients: gradientSteps)
    var w = [1.0, 1.0], v = [0.0, 0.0]
    for g in gradientSteps {
        for i in 0..<2 {
            let gi = Double(g[i])
            v[i] = 0.9 * v[i] + 0.1 * gi * gi
            w[i] -= 0.001 * gi / (v[i] + 1e-7).squareRoot()
        }
    }
    for i in 0..<2 { #expect(abs(Double(got[i]) - w[i]) < 1e-6) }
}

@Test func adamMatchesKerasRule() throws {
    var o = Adam()
    let got = try run(&o, start: [1, 1], gradients: gradientSteps)
    var w = [1.0, 1.0], m = [0.0, 0.0], v = [0.0, 0.0]
    for (t, g) in gradientSteps.enumerated() {
        let alpha = 0.001 * (1 - pow(0.999, Double(t + 1))).squareRoot() / (1 - pow(0.9, Double(t + 1)))
        for i in 0..<2 {
            let gi = Double(g[i])
            m[i] += (gi - m[i]) * 0.1
            v[i] += (gi * gi - v[i]) * 0.001
            w[i] -= alpha * m[i] / (v[i].squareRoot() + 1e-7)
        }
    }
    for i in 0..<2 { #expect(abs(Double(got[i]) - w[i]) < 1e-6) }
    // The first Adam step moves each weight by about the learning rate against its gradient.
    var fresh = Adam()
    let one = try run(&fresh, start: [0], gradients: [[-3]])
    #expect(abs(one[0] - 0.001) < 1e-6)
    #expect(o.iterations == 3)
}

@Test func optimizerRejectsMismatchedGradients() {
    var o = Adam()
    var w = ModelWeights(tensors: [[Tensor(repeating: 0, shape: [2])]])
    #expect(throws: NNError.self) { try o.step(&w, gradients: [[Tensor(repeating: 0, shape: [3])]]) }
}

@Test func adamVectorUpdateIsTheReferenceLoopBitForBit() throws {
    let n = 1003  // not a multiple of 8: the tail runs the plain loop
    let g = Tensor<Float>.random(shape: [n], seed: 41).scalars.map { $0 - 0.5 }
    let start = Tensor<Float>.random(shape: [n], seed: 42).scalars
    var m0 = Tensor<Float>.random(shape: [n], seed: 43).scalars.map { $0 * 0.1 }
    var v0 = Tensor<Float>.random(shape: [n], seed: 44).scalars.map { $0 * 0.01 }
    var (m1, v1, w0, w1, gg) = (m0, v0, start, start, g)
    func step(_ m: inout [Float], _ v: inout [Float], _ w: inout [Float], vector: Bool) {
        m.withUnsafeMutableBufferPointer { pm in
            v.withUnsafeMutableBufferPointer { pv in
                w.withUnsafeMutableBufferPointer { pw in
                    gg.withUnsafeMutableBufferPointer { pg in
                        let args = (Pointer(pm.baseAddress), Pointer(pv.baseAddress), Pointer(pw.baseAddress), Pointer(pg.baseAddress))
                        if vector {
                            Adam.update(0..<n, args.0, args.1, args.2, args.3, 0.9, 0.999, 0.00123, 1e-7)
                        } else {
                            Adam.updateReference(0..<n, args.0, args.1, args.2, args.3, 0.9, 0.999, 0.00123, 1e-7)
                        }
                    }
                }
            }
        }
    }
    for _ in 0..<3 {
        step(&m0, &v0, &w0, vector: true)
        step(&m1, &v1, &w1, vector: false)
    }
    #expect(w0.map(\.bitPattern) == w1.map(\.bitPattern))
    #expect(m0.map(\.bitPattern) == m1.map(\.bitPattern))
    #expect(v0.map(\.bitPattern) == v1.map(\.bitPattern))
}
