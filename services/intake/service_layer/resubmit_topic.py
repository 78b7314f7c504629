"""Use case: a resident adds the details the council asked for, using their receipt code."""

from yishi_contracts import Status

from services.kit.commands import Change, Context
from services.kit.ports import Service

from ..domain.receipt import receipt_not_found
from ..domain.submission import Submission
from .ports import IntakeViews


async def resubmit_topic(service: Service[IntakeViews], receipt_code: str, details: str) -> Submission:
    async with service.reading() as views:
        filed = await views.submission_with_code(receipt_code)
    if filed is None:
        raise receipt_not_found()

    async def decide(submission: Submission | None, ctx: Context[IntakeViews]) -> list[object]:
        assert submission is not None  # an empty stream is refused as missing
        # Until the receipt view has the topic, all that is known is that it was submitted.
        status = await ctx.views.progress_status(submission.topic_id) or Status.submitted
        return submission.resubmit(details, status=status, now=ctx.now)

    change = Change(
        str(filed.topic_id), Submission.fold, decide, community=filed.community_id, missing=receipt_not_found()
    )
    done = await service.commands.execute(change)
    assert done.after is not None
    return done.after
