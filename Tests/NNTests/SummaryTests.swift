import Testing
import NN

@Test func numberAndMemoryFormats() {
    #expect(groupedThousands(5_681_345) == "5,681,345")
    #expect(groupedThousands(896) == "896")
    #expect(groupedThousands(0) == "0")
    #expect(readableMemorySize(22_725_380) == "21.67 MB")
    #expect(readableMemorySize(0) == "0.00 B")
    #expect(readableMemorySize(2048) == "2.00 KB")
    #expect(kerasShape([150, 150, 32]) == "(None, 150, 150, 32)")
}

@Test func tutorialSummaryReadsLikeKeras() throws {
    let text = try ModelZoo.tutorial().summaryTable()
    let lines = text.split(separator: "\n").map(String.init)
    #expect(lines[0] == "Model: \"tutorial\"")
    #expect(lines[2] == "Layer (type)              Output      Param #    MACs         Memory")
    #expect(lines[4] == "conv_1 (Conv2D)           150x150x32  896        19,440,000   2.75 MB")
    #expect(lines.contains("maxpool_2 (MaxPooling2D)  37x37x64    0          0            342.25 KB"))
    #expect(lines.allSatisfy { $0.count <= 80 })
    #expect(lines.suffix(3).joined(separator: " ").contains("MACs: multiply-accumulates per example. Memory: the layer's output per example"))
    #expect(lines.contains("Total params: 5,681,345 (21.67 MB)"))
    #expect(lines.contains("Trainable params: 5,681,345 (21.67 MB)"))
    #expect(lines.contains("Non-trainable params: 0 (0.00 B)"))
    #expect(lines.contains("Total MACs per example: 277,269,120"))
}

@Test func vgg16SummaryTotals() throws {
    let text = try ModelZoo.vgg16(includeTop: true).summaryTable()
    #expect(text.contains("Total params: 138,357,544 (527.79 MB)"))
    #expect(text.contains("fc1 (Dense)                  (None, 4096)              102,764,544") == false)
    #expect(text.split(separator: "\n").allSatisfy { $0.count <= 80 })
    #expect(try ModelZoo.vgg16(includeTop: true).summaryTable(costs: false).contains("fc1 (Dense)                  (None, 4096)              102,764,544"))
    let noTop = try ModelZoo.vgg16(includeTop: false).summaryTable()
    #expect(noTop.contains("Total params: 14,714,688 (56.13 MB)"))
}
