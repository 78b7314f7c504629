"""Query: what a receipt code shows (办理进度)."""

from services.kit.ports import Service

from ..domain.receipt import receipt_not_found
from .ports import IntakeViews, ReceiptView


async def look_up_receipt(service: Service[IntakeViews], receipt_code: str) -> ReceiptView:
    async with service.reading() as views:
        view = await views.receipt(receipt_code)
    if view is None:
        raise receipt_not_found()
    return view
