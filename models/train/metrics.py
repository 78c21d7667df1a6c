"""Image quality metrics in the IRN protocol (numpy, float64)."""
import numpy as np


# ITU-R BT.601 studio-range RGB -> YCbCr as MATLAB rgb2ycbcr, RGB in [0, 1]; rows Y, Cb, Cr (offsets 16, 128, 128).
YCBCR_BT601 = np.array([[65.481, 128.553, 24.966], [-37.797, -74.203, 112.0], [112.0, -93.786, -18.214]])


def to_y(rgb01):
    """BT.601 luma as MATLAB rgb2ycbcr: RGB in [0,1] -> Y in [16,235] (float)."""
    return 16.0 + rgb01 @ YCBCR_BT601[0]


def crop_border(img, border):
    if border <= 0:
        return img
    return img[border:-border, border:-border]


def psnr(a, b, peak):
    mse = np.mean((np.asarray(a, np.float64) - np.asarray(b, np.float64)) ** 2)
    if mse == 0:
        return float("inf")
    return float(10.0 * np.log10(peak * peak / mse))


def psnr_y(ref_u8, test_u8, border):
    """PSNR on Y of two HxWx3 uint8 images, border pixels cropped; peak 255."""
    y1 = to_y(crop_border(ref_u8, border).astype(np.float64) / 255.0)
    y2 = to_y(crop_border(test_u8, border).astype(np.float64) / 255.0)
    return psnr(y1, y2, 255.0)


def psnr_rgb(ref_u8, test_u8, border):
    return psnr(crop_border(ref_u8, border), crop_border(test_u8, border), 255.0)


def _gauss_kernel(size=11, sigma=1.5):
    ax = np.arange(size) - (size - 1) / 2.0
    g = np.exp(-(ax ** 2) / (2 * sigma * sigma))
    g /= g.sum()
    return g


def _filter_valid(img, g):
    """Separable 'valid' 2-D filtering (like MATLAB filter2(..., 'valid'))."""
    k = len(g)
    h, w = img.shape
    tmp = np.zeros((h, w - k + 1))
    for i in range(k):
        tmp += g[i] * img[:, i:i + w - k + 1]
    out = np.zeros((h - k + 1, w - k + 1))
    for i in range(k):
        out += g[i] * tmp[i:i + h - k + 1, :]
    return out


def ssim_gray(a, b, peak=255.0):
    """Standard SSIM (Wang et al. 2004): 11x11 Gaussian, sigma 1.5, K1 0.01, K2 0.03."""
    a = a.astype(np.float64)
    b = b.astype(np.float64)
    c1 = (0.01 * peak) ** 2
    c2 = (0.03 * peak) ** 2
    g = _gauss_kernel()
    mu1 = _filter_valid(a, g)
    mu2 = _filter_valid(b, g)
    s11 = _filter_valid(a * a, g) - mu1 ** 2
    s22 = _filter_valid(b * b, g) - mu2 ** 2
    s12 = _filter_valid(a * b, g) - mu1 * mu2
    m = ((2 * mu1 * mu2 + c1) * (2 * s12 + c2)) / ((mu1 ** 2 + mu2 ** 2 + c1) * (s11 + s22 + c2))
    return float(m.mean())


def ssim_y(ref_u8, test_u8, border):
    y1 = to_y(crop_border(ref_u8, border).astype(np.float64) / 255.0)
    y2 = to_y(crop_border(test_u8, border).astype(np.float64) / 255.0)
    return ssim_gray(y1, y2)
