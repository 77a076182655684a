import Imaging
import Tensor
import Testing

/// A 5x5 picture with one marked pixel at `(row, col)`, as Float pixels (5,5,1).
private func marker(_ row: Int, _ col: Int, size: Int = 5) -> Tensor<Float> {
    var px = [Float](repeating: 0, count: size * size)
    px[row * size + col] = 9
    return Tensor(shape: [size, size, 1], scalars: px)
}

private func position(of value: Float, in t: Tensor<Float>) -> (Int, Int)? {
    guard let i = t.scalars.firstIndex(of: value) else { return nil }
    return (i / t.shape[1], i % t.shape[1])
}

@Test func positiveRotationTurnsCounterClockwise() throws {
    // The top-middle marker goes to the left-middle under +90 degrees, to the right under -90.
    let x = marker(0, 2)
    let resampling = Resampling(fill: .constant, cval: 0, order: .nearest)
    #expect(try position(of: 9, in: AugmentTransform(theta: 90).apply(to: x, resampling: resampling))! == (2, 0))
    #expect(try position(of: 9, in: AugmentTransform(theta: -90).apply(to: x, resampling: resampling))! == (2, 4))
}

@Test func positiveShiftsMoveThePictureLeftAndUp() throws {
    let x = marker(2, 2)
    let r = Resampling(fill: .constant, cval: 0, order: .nearest)
    #expect(try position(of: 9, in: AugmentTransform(tx: 1).apply(to: x, resampling: r))! == (2, 1))
    #expect(try position(of: 9, in: AugmentTransform(ty: 1).apply(to: x, resampling: r))! == (1, 2))
}

@Test func aHalfTurnOfANonSquareImageIsBothFlips() throws {
    // About the image's own centre (Keras would turn a 4x6 image about a point off it).
    let x = Tensor<Float>(shape: [4, 6, 2], scalars: (0..<48).map { Float($0) })
    for order in Interpolation.allCases {
        let turned = try AugmentTransform(theta: 180).apply(to: x, resampling: Resampling(order: order))
        let flipped = try AugmentTransform(flipHorizontal: true, flipVertical: true).apply(to: x)
        #expect(turned.scalars.map { $0.rounded() } == flipped.scalars, "order \(order)")
    }
}

@Test func theIdentityCopiesExactly() throws {
    let x = Tensor<Float>(shape: [3, 4, 3], scalars: (0..<36).map { Float($0) * 7.25 })
    #expect(try AugmentTransform.identity.apply(to: x) == x)
}

@Test func bytesInBytesOut() throws {
    let image = try RasterImage(width: 3, height: 2, channels: 1, pixels: [10, 20, 30, 40, 50, 60])
    let flipped = try AugmentTransform(flipHorizontal: true).apply(to: image)
    #expect(flipped.pixels == [30, 20, 10, 60, 50, 40])
    let brighter = try AugmentTransform(brightness: 2).apply(to: image)
    #expect(brighter.pixels == [20, 40, 60, 80, 100, 120])
}

@Test func theTutorialSpecParses() throws {
    #expect(try AugmentSpec(parsing: "tutorial") == .tutorial)
    let s = try AugmentSpec(parsing: "rotation=10, shift=0.1,zoom=0.1,flip")
    #expect(s.rotation == 10 && s.shiftX == 0.1 && s.shiftY == 0.1 && s.horizontalFlip && !s.verticalFlip)
    #expect(s.zoomX == 0.9...1.1 && s.zoomY == 0.9...1.1)
    let t = try AugmentSpec(parsing: "tutorial,fill=constant,cval=128,order=nearest,brightness=0.8:1.2,channel_shift=20,vflip")
    #expect(t.rotation == 40 && t.resampling == Resampling(fill: .constant, cval: 128, order: .nearest))
    #expect(t.brightness == 0.8...1.2 && t.channelShift == 20 && t.verticalFlip)
    #expect(try AugmentSpec(parsing: t.text) == t)
    #expect(try AugmentSpec(parsing: s.text) == s)
}

@Test(arguments: [
    ("rotate=10", "unknown key \"rotate\""),
    ("rotation=ten", "rotation=ten: the value is not a number"),
    ("rotation", "rotation needs a value"),
    ("fill=mirror", "fill must be one of nearest, constant, reflect, wrap"),
    ("order=3", "order must be nearest or bilinear"),
    ("zoom=1.5", "zoom=1.5: a single value r means [1 - r, 1 + r]"),
    ("rotation=-5", "rotation is a range and must not be negative"),
    ("", "the augmentation spec is empty"),
    ("flip,,vflip", "empty item"),
    ("brightness=1.2:0.8", "the low end is above the high end"),
])
func badSpecsSayWhatIsWrong(spec: String, message: String) {
    #expect {
        _ = try AugmentSpec(parsing: spec)
    } throws: { error in
        guard let e = error as? AugmentError else { return false }
        return e.message.contains(message)
    }
}

@Test func anUnknownKeyListsTheValidOnes() {
    do {
        _ = try AugmentSpec(parsing: "rotation=10,shfit=0.1")
        Issue.record("no error")
    } catch {
        #expect(error.message == "unknown key \"shfit\" in the augmentation spec \"rotation=10,shfit=0.1\"")
        #expect(error.hint?.contains("valid: tutorial, none, rotation, shift, shift_x") == true)
        #expect(error.hint?.contains("did you mean shift?") == true)
    }
}

@Test func exactParametersFromAString() throws {
    let (t, r) = try AugmentTransform.parsing("rotation=30,shift_x=0.1,shift_y=-2,zoom=1.25,flip,fill=wrap", height: 20, width: 30)
    #expect(t == AugmentTransform(theta: 30, tx: 3, ty: -2, zx: 1.25, zy: 1.25, flipHorizontal: true))
    #expect(r.fill == .wrap)
    #expect(throws: AugmentError.self) { try AugmentTransform.parsing("tutorial", height: 5, width: 5) }
    #expect(throws: AugmentError.self) { try AugmentTransform.parsing("zoom=0", height: 5, width: 5) }
    #expect(throws: AugmentError.self) { try AugmentTransform(zx: .infinity).apply(to: marker(0, 0)) }
}

@Test func aSeedImageAndEpochAlwaysDrawTheSameTransform() {
    let spec = AugmentSpec.tutorial
    let a = spec.draw(height: 150, width: 150, seed: 7, epoch: 3, index: 11)
    #expect(a == spec.draw(height: 150, width: 150, seed: 7, epoch: 3, index: 11))
    #expect(a != spec.draw(height: 150, width: 150, seed: 7, epoch: 3, index: 12))
    #expect(a != spec.draw(height: 150, width: 150, seed: 7, epoch: 4, index: 11))
    #expect(a != spec.draw(height: 150, width: 150, seed: 8, epoch: 3, index: 11))
}

@Test func drawsStayInTheirRanges() {
    let spec = AugmentSpec.tutorial
    var flips = 0
    for i in 0..<2000 {
        let t = spec.draw(height: 100, width: 50, seed: 1, index: i)
        #expect(abs(t.theta) <= 40 && abs(t.tx) <= 0.2 * 50 && abs(t.ty) <= 0.2 * 100 && abs(t.shear) <= 0.2)
        #expect((0.8...1.2).contains(t.zx) && (0.8...1.2).contains(t.zy) && t.zx != t.zy)
        #expect(!t.flipVertical && t.brightness == nil && t.channelShift == nil)
        if t.flipHorizontal { flips += 1 }
    }
    #expect((900...1100).contains(flips), "horizontal flips: \(flips) of 2000")
}

@Test func turningOneRangeOnLeavesTheOthersDraws() {
    var more = AugmentSpec.tutorial
    more.brightness = 0.5...1.5
    let a = AugmentSpec.tutorial.draw(height: 32, width: 32, seed: 5, index: 2)
    var b = more.draw(height: 32, width: 32, seed: 5, index: 2)
    #expect(b.brightness != nil)
    b.brightness = nil
    #expect(a == b)
}

@Test func brightnessKeepsTheAlphaOfAnRGBAImage() throws {
    let image = try RasterImage(width: 1, height: 1, channels: 4, pixels: [100, 50, 200, 128])
    #expect(try AugmentTransform(brightness: 1.5).apply(to: image).pixels == [150, 75, 255, 128])
    #expect(try AugmentTransform(brightness: 0.5).apply(to: image).pixels == [50, 25, 100, 128])
}

@Test func aPresetTakesNoValue() {
    #expect(throws: AugmentError("tutorial stands alone in the augmentation spec \"tutorial=1\", without a value", hint: "e.g. \"tutorial,fill=reflect\"")) {
        try AugmentSpec(parsing: "tutorial=1")
    }
}
