import SignTensor
