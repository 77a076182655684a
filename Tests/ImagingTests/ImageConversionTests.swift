import Imaging
import Testing

private func gray(_ w: Int, _ h: Int, _ px: [UInt8]) throws -> RasterImage {
    try RasterImage(width: w, height: h, channels: 1, pixels: px)
}

@Test func nearestShrinksByTakingThePixelUnderEachCentre() throws {
    // 4x4 -> 2x2: src = floor((d + 0.5) * 4 / 2) = 1, 3 on both axes.
    let img = try gray(4, 4, (0..<16).map { UInt8($0) })
    let out = img.resized(width: 2, height: 2)
    #expect(out.width == 2 && out.height == 2)
    #expect(out.pixels == [5, 7, 13, 15])
}

@Test func nearestUsesPILsPixelCentreMapping() throws {
    // 3 -> 5: floor((d + 0.5) * 3 / 5) = floor(0.3, 0.9, 1.5, 2.1, 2.7) = 0, 0, 1, 2, 2.
    let row = try gray(3, 1, [10, 20, 30])
    #expect(row.resized(width: 5, height: 1, interpolation: .nearest).pixels == [10, 10, 20, 30, 30])
    // 7 -> 3: floor((d + 0.5) * 7 / 3) = floor(1.17, 3.5, 5.83) = 1, 3, 5 (a top-left rule would give 0, 2, 4).
    let wide = try gray(7, 1, [0, 1, 2, 3, 4, 5, 6])
    #expect(wide.resized(width: 3, height: 1).pixels == [1, 3, 5])
    // 150 from 500: the first output column is input 1 (floor(0.5 * 500/150) = floor(1.67)).
    let big = try gray(500, 1, (0..<500).map { UInt8($0 % 256) })
    let r = big.resized(width: 150, height: 1)
    #expect(Array(r.pixels.prefix(4)) == [1, 5, 8, 11])  // floor(1.67, 5, 8.33, 11.67)
    #expect(r.pixels.last == UInt8(498 % 256))            // floor(149.5 * 10 / 3) = 498
}

@Test func nearestKeepsChannelsTogether() throws {
    let rgb = try RasterImage(width: 2, height: 1, channels: 3, pixels: [1, 2, 3, 4, 5, 6])
    #expect(rgb.resized(width: 4, height: 1).pixels == [1, 2, 3, 1, 2, 3, 4, 5, 6, 4, 5, 6])
}

@Test func bilinearMixesNeighboursWithHalfPixelCentres() throws {
    // 2 -> 4: s = (d + 0.5) / 2 - 0.5 = -0.25 (clamped to 0), 0.25, 0.75, 1.25 (clamped to 1).
    let row = try gray(2, 1, [0, 100])
    #expect(row.resized(width: 4, height: 1, interpolation: .bilinear).pixels == [0, 25, 75, 100])
    // 2x2 -> 1x1: the centre is the mean of all four, (10 + 20 + 30 + 41) / 4 = 25.25 -> 25.
    let square = try gray(2, 2, [10, 20, 30, 41])
    #expect(square.resized(width: 1, height: 1, interpolation: .bilinear).pixels == [25])
    // The same size is the same image.
    #expect(square.resized(width: 2, height: 2, interpolation: .bilinear) == square)
}

@Test func rgbToGrayIsPILsLConversion() throws {
    // PIL: Image.new('RGB', (1, 1), c).convert('L') gives 76 for red, 150 for green, 29 for blue.
    let px: [UInt8] = [255, 0, 0, 0, 255, 0, 0, 0, 255, 255, 255, 255, 10, 20, 30, 0, 0, 0]
    let rgb = try RasterImage(width: 6, height: 1, channels: 3, pixels: px)
    let g = rgb.converted(toChannels: 1)
    #expect(g.channels == 1)
    // (10*19595 + 20*38470 + 30*7471 + 32768) >> 16 = 1222248 >> 16 = 18; 299/587/114 gives 18.15.
    #expect(g.pixels == [76, 150, 29, 255, 18, 0])
}

@Test func grayToRGBReplicatesAndRGBADropsAlpha() throws {
    let g = try gray(2, 1, [7, 200])
    #expect(g.converted(toChannels: 3).pixels == [7, 7, 7, 200, 200, 200])
    let rgba = try RasterImage(width: 1, height: 1, channels: 4, pixels: [1, 2, 3, 0])
    #expect(rgba.converted(toChannels: 3).pixels == [1, 2, 3])
    #expect(rgba.converted(toChannels: 1).pixels == [2])  // (19595 + 76940 + 22413 + 32768) >> 16 = 2
}
