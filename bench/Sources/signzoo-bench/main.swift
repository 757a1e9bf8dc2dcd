try runEncoderBench()
