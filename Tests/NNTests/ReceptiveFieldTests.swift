import Testing
import Tensor
import NN

@Test func stackedThreeByThreeConvolutions() throws {
    let m = try Sequential(input: [32, 32, 3], layers: [
        Conv2D(4, kernelSize: (3, 3), padding: .same), Conv2D(4, kernelSize: (3, 3), padding: .same),
        Conv2D(4, kernelSize: (3, 3), padding: .same),
    ])
    #expect(m.receptiveFields().map(\.size) == [[3, 3], [5, 5], [7, 7]])
    #expect(m.receptiveFields().allSatisfy { $0.jump == [1, 1] && $0.start == [0.5, 0.5] })
}

@Test func vgg16ReceptiveFields() throws {
    let m = try ModelZoo.vgg16(includeTop: true)
    let rf = Dictionary(uniqueKeysWithValues: zip(m.layers.map(\.name), m.receptiveFields()))
    // Two stacked 3x3 convolutions see 5x5 pixels.
    #expect(rf["block1_conv2"]?.size == [5, 5])
    // Three stacked 3x3 convolutions see a 7x7 window of the map before them (jump 4 there).
    let before = try #require(rf["block2_pool"]), after = try #require(rf["block3_conv3"])
    #expect(before.jump == [4, 4])
    #expect((after.size[0] - before.size[0]) / before.jump[0] + 1 == 7)
    #expect(rf["block5_pool"] == ReceptiveField(size: [212, 212], jump: [32, 32], start: [16, 16], isGlobal: false))
    #expect(rf["fc1"]?.isGlobal == true)
}

@Test func receptiveFieldWithStrideDilationAndAsymmetricPadding() throws {
    // 'same' 3x3 stride 2 on 12 rows pads 0 on top and 1 at the bottom: start moves by one pixel.
    let m = try Sequential(input: [12, 7, 1], layers: [
        Conv2D(1, kernelSize: (3, 3), strides: (2, 2), padding: .same),
        Conv2D(1, kernelSize: (3, 1), dilation: (2, 1)),
    ])
    let rf = m.receptiveFields()
    #expect(rf[0] == ReceptiveField(size: [3, 3], jump: [2, 2], start: [1.5, 0.5], isGlobal: false))
    #expect(rf[1] == ReceptiveField(size: [11, 3], jump: [2, 2], start: [5.5, 0.5], isGlobal: false))
    let table = m.receptiveFieldTable()
    #expect(table.contains("conv2d (Conv2D)    (None, 6, 4, 1)   3x3              2     1.5, 0.5"))
    #expect(table.contains("input              (None, 12, 7, 1)  1x1              1     0.5"))
    #expect(table.split(separator: "\n").allSatisfy { $0.count <= 80 })
}
